// Test support for the front-door tables: a RuntimeRequest as the invoker would hand it over,
// built from wire-like pieces (raw header pairs in order, raw query). Imported by tests only.
import type { RuntimeRequest } from '../../types.js';
import type { DoorContext } from './http.js';

export function sampleRequest(o: {
  method?: string;
  target?: string;
  headers?: Array<[string, string]>;
  body?: string | Buffer;
}): RuntimeRequest {
  const target = o.target ?? '/';
  const q = target.indexOf('?');
  const rawHeaders = (o.headers ?? []).flat();
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of o.headers ?? []) {
    const n = k.toLowerCase();
    const prev = headers[n];
    headers[n] = prev === undefined ? v : n === 'set-cookie' ? [...(Array.isArray(prev) ? prev : [prev]), v] : `${prev}, ${v}`;
  }
  return {
    method: o.method ?? 'GET',
    path: q < 0 ? target : target.slice(0, q),
    url: target,
    rawQuery: q < 0 ? '' : target.slice(q + 1),
    headers,
    rawHeaders,
    body: o.body === undefined ? undefined : Buffer.from(o.body),
    remoteAddress: '192.0.2.1',
    protocol: 'http',
    host: (headers.host as string) ?? 'localhost',
  };
}

export function sampleContext(patch: Partial<DoorContext> = {}): DoorContext {
  return {
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    now: Date.UTC(2026, 2, 4, 5, 6, 7, 89),
    routes: [],
    binaryMediaTypes: [],
    multiValueHeaders: false,
    name: 'orders',
    region: 'us-east-1',
    accountId: '123456789012',
    ...patch,
  };
}
