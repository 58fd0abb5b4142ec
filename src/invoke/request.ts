// `fn invoke` flags to one HTTP request (pure, no sockets): method, path, headers, body, and for
// --cloudevent the event in binary or structured mode (specs/cloudevents.md §2).
import { randomUUID } from 'node:crypto';
import { FnkitError } from '../errors.js';

export interface InvokeInput {
  data?: string;
  /** Bytes read from --file or stdin, with the file name for the content type guess. */
  file?: { bytes: Buffer; name: string };
  method?: string;
  path?: string;
  headers?: string[];
  contentType?: string;
  cloudevent?: { type?: string; source?: string; id?: string; mode?: string; extensions?: Record<string, string> };
}

export interface InvokeRequest {
  method: string;
  /** Path plus query, starting with "/". */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The event sent, for -o json. */
  event?: Record<string, unknown>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const DEFAULT_CE_TYPE = 'dev.fnkit.invoke';
export const DEFAULT_CE_SOURCE = '/fn/invoke';

function usage(code: string, message: string, hint: string, data: Record<string, unknown> = {}): FnkitError {
  return new FnkitError(code, message, { hint, data: { ...data, exitCode: 2 } });
}

/** "Name: value" or "Name:value" → [lower-case name, value]. */
export function parseHeader(text: string): [string, string] {
  const i = text.indexOf(':');
  const name = i < 0 ? '' : text.slice(0, i).trim();
  if (i <= 0 || !TOKEN.test(name)) {
    throw usage('FN_ERR_BAD_HEADER', `invalid -H "${text}": expected "Name: value" with a header name made of letters, digits and -`, 'for example -H "x-api-key: secret"', { header: text });
  }
  return [name.toLowerCase(), text.slice(i + 1).trim()];
}

/** CloudEvents HTTP binding §3.1.3.2: percent-encode space, '"', '%' and anything outside U+0021–U+007E. */
export function encodeCeHeader(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c > 0x20 && c < 0x7f && ch !== '"' && ch !== '%') out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function guessContentType(data: { text?: string; fileName?: string }): string {
  if (data.fileName !== undefined) {
    if (/\.json$/i.test(data.fileName)) return 'application/json';
    if (/\.(txt|md|csv)$/i.test(data.fileName)) return 'text/plain';
    if (/\.(html?)$/i.test(data.fileName)) return 'text/html';
    if (/\.xml$/i.test(data.fileName)) return 'application/xml';
    return 'application/octet-stream';
  }
  try {
    JSON.parse(data.text ?? '');
    return 'application/json';
  } catch {
    return 'text/plain';
  }
}

export function buildRequest(input: InvokeInput, newId: () => string = randomUUID): InvokeRequest {
  if (input.data !== undefined && input.file !== undefined) {
    throw usage('FN_ERR_FLAGS', '--data and --file cannot be combined', 'pass the body one way: --data, --file, or stdin');
  }
  const headers: Record<string, string> = {};
  for (const h of input.headers ?? []) {
    const [k, v] = parseHeader(h);
    headers[k] = v;
  }
  const body = input.data !== undefined ? Buffer.from(input.data, 'utf8') : input.file?.bytes;
  let contentType = input.contentType ?? headers['content-type'];
  if (contentType === undefined && body !== undefined) {
    contentType = guessContentType(input.data !== undefined ? { text: input.data } : { fileName: input.file!.name });
  }
  const path = normalizePath(input.path ?? '/');
  const method = (input.method ?? (body !== undefined || input.cloudevent ? 'POST' : 'GET')).toUpperCase();
  if (!TOKEN.test(method)) throw usage('FN_ERR_BAD_METHOD', `invalid --method "${input.method}"`, 'for example --method PUT');
  if (!input.cloudevent) {
    if (contentType !== undefined) headers['content-type'] = contentType;
    return { method, path, headers, body };
  }
  return buildCloudEvent(input.cloudevent, { method, path, headers, body, contentType }, newId);
}

function buildCloudEvent(
  ce: NonNullable<InvokeInput['cloudevent']>,
  req: { method: string; path: string; headers: Record<string, string>; body?: Buffer; contentType?: string },
  newId: () => string,
): InvokeRequest {
  const mode = ce.mode ?? 'binary';
  if (mode !== 'binary' && mode !== 'structured') {
    throw usage('FN_ERR_BAD_MODE', `invalid --mode "${mode}": expected binary or structured`, 'binary puts attributes in ce- headers, structured sends one JSON document');
  }
  const reserved = new Set(['specversion', 'id', 'source', 'type', 'datacontenttype', 'data', 'data_base64']);
  for (const name of Object.keys(ce.extensions ?? {})) {
    // CloudEvents core §"Attribute Naming Convention": [a-z0-9]+
    if (!/^[a-z0-9]+$/.test(name) || reserved.has(name)) {
      throw usage('FN_ERR_BAD_EVENT', `invalid extension attribute "${name}": names are lower-case letters and digits only, and not a core attribute`, 'for example --extension tenant=acme');
    }
  }
  const attrs: Record<string, string> = {
    specversion: '1.0',
    id: ce.id ?? newId(),
    source: ce.source ?? DEFAULT_CE_SOURCE,
    type: ce.type ?? DEFAULT_CE_TYPE,
    ...ce.extensions,
  };
  for (const [k, v] of Object.entries(attrs)) {
    if (v === '') throw usage('FN_ERR_BAD_EVENT', `the CloudEvent attribute "${k}" cannot be empty`, ['id', 'source', 'type'].includes(k) ? `pass a value with --${k}` : `pass --extension ${k}=value`);
  }
  const event: Record<string, unknown> = { ...attrs };
  if (req.body !== undefined && req.contentType !== undefined) event.datacontenttype = req.contentType;
  if (mode === 'binary') {
    const headers = { ...req.headers };
    for (const [k, v] of Object.entries(attrs)) headers[`ce-${k}`] = encodeCeHeader(v);
    // binding §3.1.1: content-type carries datacontenttype; no data, no content-type
    if (req.body !== undefined && req.contentType !== undefined) headers['content-type'] = req.contentType;
    if (req.body !== undefined) event.data = decodeData(req.body, req.contentType);
    return { method: req.method, path: req.path, headers, body: req.body, event };
  }
  if (req.body !== undefined) {
    // JSON format §3.1: JSON data is embedded as a value, text as a string, anything else as data_base64
    if (isJson(req.contentType)) {
      try {
        event.data = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new FnkitError('FN_ERR_BAD_DATA', 'the data is declared as JSON but does not parse', {
          hint: 'fix the JSON, or pass --content-type text/plain',
        });
      }
    } else if (isText(req.contentType)) event.data = req.body.toString('utf8');
    else event.data_base64 = req.body.toString('base64');
  }
  const headers = { ...req.headers, 'content-type': 'application/cloudevents+json; charset=utf-8' };
  return { method: req.method, path: req.path, headers, body: Buffer.from(JSON.stringify(event)), event };
}

function decodeData(body: Buffer, contentType: string | undefined): unknown {
  if (isJson(contentType)) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return body.toString('utf8');
    }
  }
  return isText(contentType) ? body.toString('utf8') : body.toString('base64');
}

export function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType.trim());
}

export function isText(contentType: string | undefined): boolean {
  return contentType !== undefined && (/^text\//i.test(contentType.trim()) || /xml|javascript|x-www-form-urlencoded/i.test(contentType));
}

function normalizePath(p: string): string {
  if (/^[a-z]+:\/\//i.test(p)) {
    throw usage('FN_ERR_BAD_PATH', `invalid --path "${p}": expected a path like /orders?id=1, not a URL`, 'give the URL with --url and the path with --path');
  }
  return p.startsWith('/') ? p : `/${p}`;
}
