// An HTTP request → CloudEvent(s), per the HTTP protocol binding (specs/cloudevents.md §2) and the
// "Recommendation for the invoker": mode by Content-Type prefix (batch first, case-insensitive),
// ce- headers percent-decoded, ce-datacontenttype refused, no invented time, validate() plus our
// own specversion check (the SDK skips validation of anything but "1.0", fault 1).
import type { CloudEvent } from 'cloudevents';
import { HttpFailure } from '../errors.js';
import { decodeHeaderValue, HeaderDecodeError } from './headers.js';
import { makeEvent, type Attributes } from './event.js';
import { onlyPlainAttributes, type ValidSources } from './valid-sources.js';
export { looksLikeCloudEvent } from './detect.js';
import { decodeText, isJsonType, isTextType, mediaType } from '../media.js';

export type CeMode = 'binary' | 'structured' | 'batch';
export interface ParsedCe {
  mode: CeMode;
  event: CloudEvent<unknown> | CloudEvent<unknown>[];
}

type Headers = Record<string, string | string[] | undefined>;

const NAME = /^[a-z0-9]+$/;
const REQUIRED = ['id', 'source', 'type'] as const;

export function invalid(message: string, attribute?: string): HttpFailure {
  return new HttpFailure(400, 'FN_ERR_CLOUDEVENT_INVALID', message, {
    hint: attribute ? `fix the "${attribute}" attribute of the event` : 'send a valid CloudEvent (spec v1.0)',
  });
}

export function detectMode(contentType: string | undefined): CeMode {
  const ct = (contentType ?? '').trimStart().toLowerCase();
  if (ct.startsWith('application/cloudevents-batch')) return 'batch';
  if (ct.startsWith('application/cloudevents')) return 'structured';
  return 'binary';
}

function checkRequired(attrs: Record<string, unknown>, where: string): void {
  if (attrs.specversion === undefined) throw invalid(`${where}is missing the required attribute "specversion"`, 'specversion');
  if (attrs.specversion !== '1.0') {
    throw invalid(`${where}has specversion ${JSON.stringify(attrs.specversion)}; this function accepts CloudEvents "1.0"`, 'specversion');
  }
  for (const a of REQUIRED) {
    const v = attrs[a];
    if (v === undefined) throw invalid(`${where}is missing the required attribute "${a}"`, a);
    if (typeof v !== 'string' || v === '') throw invalid(`${where}has an invalid "${a}": expected a non-empty string, got ${JSON.stringify(v)}`, a);
  }
}

/** Runs the SDK's schema check and names the attribute ajv complained about. */
function validate(ev: CloudEvent<unknown>, where: string, known: ValidSources | undefined): void {
  // ajv per event was the largest CloudEvents-only cost on the binary path (valid-sources.ts).
  const plain = known !== undefined && onlyPlainAttributes(ev as unknown as Record<string, unknown>);
  if (plain && known.has(ev.source)) return;
  try {
    ev.validate();
    if (plain) known.add(ev.source);
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath?: string; message?: string }> }).errors ?? [];
    const first = errors.find((x) => x && typeof x === 'object');
    const attr = first?.instancePath?.replace(/^\//, '') || undefined;
    const detail = first?.message ?? (e as Error).message;
    throw invalid(attr ? `${where}has an invalid "${attr}": ${detail}` : `${where}is invalid: ${detail}`, attr);
  }
}

function parseJson(text: string, what: string): unknown {
  try { return JSON.parse(text); } catch (e) {
    throw new HttpFailure(400, 'FN_ERR_CLOUDEVENT_INVALID', `${what} is not valid JSON: ${(e as Error).message}`, { hint: 'send well-formed JSON' });
  }
}

function binary(headers: Headers, body: Buffer | undefined, lenient: boolean, known: ValidSources | undefined): CloudEvent<unknown> {
  const attrs: Attributes = {};
  for (const key of Object.keys(headers)) {
    if (key.length < 4 || key.charCodeAt(0) !== 99 || key.charCodeAt(1) !== 101 || key.charCodeAt(2) !== 45) continue; // "ce-"
    const name = key.slice(3);
    if (name === 'datacontenttype') {
      // HTTP binding §3.1.1: Content-Type carries it; the header MUST NOT also be present (SDK fault 2).
      throw invalid('the ce-datacontenttype header is not allowed in binary mode; the Content-Type header carries datacontenttype', 'datacontenttype');
    }
    if (!NAME.test(name)) throw invalid(`attribute name "${name}" (header ${key}) must be lower-case letters and digits`, name);
    const raw = headers[key];
    const value = Array.isArray(raw) ? raw.join(',') : raw ?? '';
    try {
      attrs[name] = decodeHeaderValue(value);
    } catch (e) {
      if (!lenient) throw invalid(`header ${key} cannot be decoded: ${(e as HeaderDecodeError).message}`, name);
      attrs[name] = value;
    }
  }
  checkRequired(attrs, 'the event ');
  const ct = headers['content-type'] as string | undefined;
  if (ct) attrs.datacontenttype = ct;
  let data: unknown;
  const hasData = body !== undefined && body.length > 0;
  if (hasData) {
    const mt = mediaType(ct);
    // No Content-Type: no datacontenttype, and JSON must not be inferred (json-format D234).
    if (mt && isJsonType(mt)) data = parseJson(body.toString('utf8'), 'the event data (Content-Type says JSON)');
    else if (mt && isTextType(mt)) data = decodeText(body, ct);
    else data = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  }
  const ev = makeEvent(attrs, data, hasData);
  validate(ev, 'the event ', known);
  return ev;
}

/** One JSON-format event (json-format.md §2–3) → CloudEvent. */
export function fromJsonFormat(obj: unknown, where: string, known?: ValidSources): CloudEvent<unknown> {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw invalid(`${where}must be a JSON object, got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`);
  const attrs: Attributes = {};
  let data: unknown;
  let hasData = false;
  const o = obj as Record<string, unknown>;
  if ('data' in o && 'data_base64' in o && o.data_base64 !== null) throw invalid(`${where}has both "data" and "data_base64"; they are mutually exclusive`, 'data');
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (k === 'data') { data = v; hasData = true; continue; }
    if (v === null) continue; // JSON format §2: null means unset
    if (k === 'data_base64') {
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw invalid(`${where}has an invalid "data_base64": expected a base64 string`, 'data_base64');
      const buf = Buffer.from(v, 'base64');
      // SDK fault 3 decodes to Uint32Array; bytes are bytes.
      data = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      hasData = true;
      continue;
    }
    if (!NAME.test(k)) throw invalid(`${where}has attribute "${k}"; attribute names must be lower-case letters and digits`, k);
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v))) attrs[k] = v;
    else throw invalid(`${where}has an invalid "${k}": attribute values must be strings, integers or booleans`, k);
  }
  checkRequired(attrs, where);
  const ev = makeEvent(attrs, data, hasData);
  validate(ev, where, known);
  return ev;
}

/** `known`: the invoker's cache of sources the schema accepted; without it every event runs ajv. */
export function parseCloudEvent(headers: Headers, body: Buffer | undefined, lenient = false, known?: ValidSources): ParsedCe {
  const ct = headers['content-type'] as string | undefined;
  const mode = detectMode(ct);
  if (mode === 'binary') return { mode, event: binary(headers, body, lenient, known) };
  const mt = mediaType(ct);
  const want = mode === 'batch' ? 'application/cloudevents-batch+json' : 'application/cloudevents+json';
  if (mt !== want) {
    // http-webhook §2.2: a format we do not understand is 415.
    throw new HttpFailure(415, 'FN_ERR_CLOUDEVENT_FORMAT', `unsupported CloudEvents format "${mt}"; this function accepts ${want}`, { hint: 'send JSON-format events' });
  }
  const doc = parseJson(body ? decodeText(body, ct) : '', mode === 'batch' ? 'the event batch' : 'the structured event');
  if (mode === 'structured') return { mode, event: fromJsonFormat(doc, 'the event ', known) };
  if (!Array.isArray(doc)) throw invalid('a batch must be a JSON array of events');
  const events = doc.map((e, i) => fromJsonFormat(e, `event ${i} of the batch `, known));
  // v1.0.2 §3.3: all events of a batch carry the same specversion (only 1.0 passes above).
  return { mode, event: events };
}
