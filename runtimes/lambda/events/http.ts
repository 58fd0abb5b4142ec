// Shared pieces of the HTTP front doors: header pairs as they came, query strings, media-type
// rules, API Gateway's time format, and results back into a RuntimeResponse. Pure.
import type { Headers, RuntimeRequest, RuntimeResponse } from '../../types.js';
import type { RouteTemplate } from '../routes.js';

/** What a front door needs besides the request. */
export interface DoorContext {
  /** API Gateway's own request id (requestContext.requestId). */
  requestId: string;
  /** Epoch ms of arrival. */
  now: number;
  stage?: string;
  routes: RouteTemplate[];
  binaryMediaTypes: string[];
  multiValueHeaders: boolean;
  /** Function name (apiId / url-id / target group name). */
  name: string;
  region: string;
  accountId: string;
}

/** An event, or an answer given without invoking (no route, too large). */
export type EventOrResponse = { event: unknown } | { response: RuntimeResponse };

/** A mapped result, plus what the log should say when the result was malformed. */
export interface MappedResult {
  response: RuntimeResponse;
  problem?: string;
}

export function jsonResponse(status: number, body: unknown, extra: Headers = {}): RuntimeResponse {
  const text = JSON.stringify(body);
  return { kind: 'response', status, headers: { 'content-type': 'application/json', ...extra }, body: text };
}

/** [name, value] pairs in wire order, names as sent. */
export function headerPairs(req: Pick<RuntimeRequest, 'rawHeaders' | 'headers'>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (req.rawHeaders.length > 0) {
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    return out;
  }
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v : [v]) out.push([k, x]);
  }
  return out;
}

/** Decodes a query component as API Gateway does: '+' is a space; a bad escape stays as sent. */
export function decodeQueryComponent(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** key/value pairs of a raw query string, in order; decoded unless `raw`. */
export function queryPairs(rawQuery: string, raw = false): Array<[string, string]> {
  if (!rawQuery) return [];
  const out: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push(raw ? [k, v] : [decodeQueryComponent(k), decodeQueryComponent(v)]);
  }
  return out;
}

/**
 * A key's own value: header names and query keys are data, so "constructor" or "toString" must
 * not find Object.prototype's members (a REST event for a "constructor" header used to throw).
 */
export function ownValue<T>(o: Record<string, T>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/**
 * ownValue for a lower-cased name (a header): of Object.prototype's members only these two are
 * lower case, so every other name can be read directly, which is most of a header map's cost.
 */
export function ownValueLower<T>(o: Record<string, T>, k: string): T | undefined {
  return k === 'constructor' || k === '__proto__' ? ownValue(o, k) : o[k];
}

/** Sets an own data property, "__proto__" included (an assignment would change the prototype). */
export function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Last value per key (REST queryStringParameters, ALB single-value headers). */
export function lastValues(pairs: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) setOwn(out, k, v);
  return out;
}

export function allValues(pairs: Array<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of pairs) {
    const list = ownValue(out, k);
    if (list) list.push(v);
    else setOwn(out, k, [v]);
  }
  return out;
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** HTTP API / ALB / Function URL: only these are passed as text, everything else is base64. */
export function isTextMediaType(contentType: string | undefined): boolean {
  const t = mediaType(contentType);
  return t.startsWith('text/') || t === 'application/json' || t === 'application/javascript' || t === 'application/xml';
}

/** REST binaryMediaTypes matching: exact, type/*, or * / *. */
export function matchesMediaTypes(contentType: string | undefined, patterns: readonly string[]): boolean {
  const t = mediaType(contentType);
  if (!t) return false;
  const [type] = t.split('/');
  return patterns.some((p) => {
    const q = p.toLowerCase();
    return q === '*/*' || q === t || (q.endsWith('/*') && q.slice(0, -2) === type);
  });
}

export function header(req: Pick<RuntimeRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** dd/MMM/yyyy:HH:mm:ss +0000 (requestContext.requestTime / time). */
export function apiGatewayTime(ms: number): string {
  // Formatted once per second: every event carries it.
  const sec = Math.floor(ms / 1000);
  if (sec === timeSec) return timeText;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  timeSec = sec;
  timeText = `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  return timeText;
}
let timeSec = NaN;
let timeText = '';

/** The body as an event field: base64 or UTF-8 text. */
export function encodeBody(body: Buffer | undefined, base64: boolean): string {
  if (!body) return '';
  return base64 ? body.toString('base64') : body.toString('utf8');
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** statusCode as a number: integers, or numeric strings ("302", localstack#8213); else undefined. */
export function statusOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{3}$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/** Scalar header values as strings (AWS accepts numbers and booleans there). */
function scalar(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/**
 * Adds a response header; repeated names (case-insensitive) accumulate. Hop-by-hop and length
 * headers are computed by the server, so the function's are dropped (ALB doc does the same).
 */
export class ResponseHeaders {
  // Built as the answer's own headers object: one value, or a list once a name repeats.
  private readonly out: Record<string, string | string[]> = {};

  add(name: string, value: unknown): boolean {
    const v = scalar(value);
    if (v === undefined) return false;
    const k = name.toLowerCase();
    if (k === 'content-length' || k === 'transfer-encoding' || k === 'connection') return true;
    const had = ownValueLower(this.out, k);
    if (had === undefined) setOwn(this.out, k, k === 'set-cookie' ? [v] : v);
    else if (Array.isArray(had)) {
      if (!had.includes(v)) had.push(v);
    } else if (had !== v) setOwn(this.out, k, [had, v]);
    return true;
  }

  has(name: string): boolean {
    return ownValueLower(this.out, name.toLowerCase()) !== undefined;
  }

  toHeaders(): Headers {
    return this.out;
  }
}

/** A body from a result: decoded from base64 when the result says so. */
export function resultBody(body: unknown, isBase64: boolean): Buffer | string {
  if (body === undefined || body === null) return '';
  const s = String(body);
  return isBase64 ? Buffer.from(s, 'base64') : s;
}
