// A node handler's return value → RuntimeResult. Web Responses and explicit response objects
// become responses here; everything else stays a value the invoker encodes (HTTP) or wraps in a
// reply event (CloudEvent request).
import type { Headers, RuntimeResult } from '../types.js';
import { encodeBody } from '../../invoker/encode.js';
import { RESPONSE } from './public.js';

const EXPLICIT_KEYS = new Set(['statusCode', 'status', 'headers', 'body', 'cookies']);

/** `{ statusCode|status, headers?, body? }` and nothing else: an explicit response (faas-js-runtime shape). */
export function isExplicitResponse(v: object): boolean {
  if ((v as Record<symbol, unknown>)[RESPONSE] === true) return true;
  const o = v as Record<string, unknown>;
  const status = o.statusCode ?? o.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return false;
  for (const k of Object.keys(o)) if (!EXPLICIT_KEYS.has(k)) return false;
  return o.headers === undefined || (typeof o.headers === 'object' && o.headers !== null);
}

export function webResponseToResult(res: Response): RuntimeResult {
  const headers: Headers = {};
  res.headers.forEach((v, k) => { if (k !== 'set-cookie') headers[k] = v; });
  const cookies = res.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  return { kind: 'response', status: res.status, headers, body: res.body ?? undefined };
}

/**
 * Duck-typed first: touching the global `Response` makes Node 20 load undici (≈10 MB RSS and
 * several ms), which a function that never returns a web Response should not pay for.
 */
function isWebResponse(v: object): v is Response {
  const r = v as { status?: unknown; headers?: { get?: unknown }; arrayBuffer?: unknown };
  return typeof r.status === 'number' && typeof r.arrayBuffer === 'function' && typeof r.headers?.get === 'function' && v instanceof Response;
}

export function toResult(v: unknown): RuntimeResult {
  if (v === null || typeof v !== 'object') return { kind: 'value', value: v };
  if (isWebResponse(v)) return webResponseToResult(v);
  if (!isExplicitResponse(v)) return { kind: 'value', value: v };
  const o = v as { statusCode?: number; status?: number; headers?: Record<string, unknown>; body?: unknown; cookies?: unknown };
  const headers: Headers = {};
  for (const [k, val] of Object.entries(o.headers ?? {})) {
    if (val === undefined || val === null) continue;
    headers[k.toLowerCase()] = Array.isArray(val) ? val.map(String) : String(val);
  }
  if (Array.isArray(o.cookies)) headers['set-cookie'] = o.cookies.map(String);
  const enc = encodeBody(o.body);
  if (enc.type && headers['content-type'] === undefined) headers['content-type'] = enc.type;
  return { kind: 'response', status: (o.statusCode ?? o.status)!, headers, body: enc.body };
}
