// Events out: a reply in binary, structured or batch mode (HTTP binding §3, identical for
// responses). Binary headers are percent-encoded (§3.1.3.2) and there is no Content-Type when
// there is no data (SDK fault 11). A plain value becomes a reply event with the configured
// type and source.
import { randomUUID } from 'node:crypto';
import { encodeHeaderValue } from './headers.js';
import { eventToJson, isBytes } from './event.js';
import { isJsonType, mediaType } from '../media.js';

export interface Wire {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

const STRUCTURED = 'application/cloudevents+json; charset=utf-8';
const BATCH = 'application/cloudevents-batch+json; charset=utf-8';

// The time attribute has millisecond precision, and under load many replies share a
// millisecond: formatting the date once per millisecond saves ~0.4 µs per event.
let isoMs = -1;
let iso = '';
function nowIso(): string {
  const ms = Date.now();
  if (ms !== isoMs) { isoMs = ms; iso = new Date(ms).toISOString(); }
  return iso;
}

/** The datacontenttype a reply event gets for a plain value: it follows the value's kind. */
function contentTypeFor(value: unknown): string {
  if (typeof value === 'string') return 'text/plain; charset=utf-8';
  if (isBytes(value)) return 'application/octet-stream';
  return 'application/json';
}

/** A reply event around a plain value. */
export function replyEventFor(value: unknown, type: string, source: string): Record<string, unknown> {
  return { specversion: '1.0', id: randomUUID(), type, source, time: nowIso(), datacontenttype: contentTypeFor(value), data: value };
}

function attrString(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Puts data into a binary-mode message: Content-Type carries datacontenttype (§3.1.1). */
function withData(headers: Record<string, string>, data: unknown, dct: string | undefined, status: number): Wire {
  if (isBytes(data)) {
    if (dct) headers['content-type'] = dct;
    return { status, headers, body: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
  }
  const mt = mediaType(dct);
  headers['content-type'] = dct ?? 'application/json';
  if (typeof data === 'string' && mt !== '' && !isJsonType(mt)) return { status, headers, body: data };
  return { status, headers, body: JSON.stringify(data) };
}

export function toBinary(ev: Record<string, unknown>, status = 200): Wire {
  const headers: Record<string, string> = {};
  for (const k of Object.keys(ev)) {
    const v = ev[k];
    if (k === 'data' || k === 'data_base64' || k === 'datacontenttype' || v === undefined || v === null) continue;
    headers['ce-' + k] = encodeHeaderValue(attrString(v));
  }
  let data = ev.data;
  if (data === undefined && typeof ev.data_base64 === 'string') data = Buffer.from(ev.data_base64, 'base64');
  if (data === undefined) return { status, headers, body: undefined };
  return withData(headers, data, typeof ev.datacontenttype === 'string' ? ev.datacontenttype : undefined, status);
}

/**
 * toBinary(replyEventFor(value, type, source)) without the intermediate event: the reply to
 * every binary-mode event a handler answers with a plain value, so it is worth a direct path
 * (measured ~1.5 µs per event). The id, time and version need no percent-encoding.
 */
export function binaryReplyFor(value: unknown, type: string, source: string): Wire {
  const headers: Record<string, string> = { 'ce-specversion': '1.0', 'ce-id': randomUUID(), 'ce-type': encodeHeaderValue(type), 'ce-source': encodeHeaderValue(source), 'ce-time': nowIso() };
  if (value === undefined) return { status: 200, headers, body: undefined };
  return withData(headers, value, contentTypeFor(value), 200);
}

export function toStructured(ev: Record<string, unknown>, status = 200): Wire {
  return { status, headers: { 'content-type': STRUCTURED }, body: JSON.stringify(eventToJson(ev)) };
}

export function toBatch(events: Record<string, unknown>[], status = 200): Wire {
  return { status, headers: { 'content-type': BATCH }, body: JSON.stringify(events.map(eventToJson)) };
}
