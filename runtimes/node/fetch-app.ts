// Serves a web-standard fetch app (Hono's `export default app`, or `export function fetch`): the
// incoming request becomes a WHATWG Request, the Response streams back as it is.
import { Readable } from 'node:stream';
import type { InvocationContext, RuntimeRequest, RuntimeResult } from '../types.js';
import type { FetchFn } from './load.js';
import { webResponseToResult } from './response.js';

export function toWebRequest(req: RuntimeRequest, signal: AbortSignal | undefined): Request {
  const headers = new globalThis.Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // HTTP/2 pseudo-headers and hop-by-hop headers are not part of a fetch Request.
    if (name.charCodeAt(0) === 58) continue;
    try { headers.append(name, raw[i + 1]!); } catch { /* a value undici refuses: drop it */ }
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  let body: BodyInit | undefined;
  if (hasBody) {
    if (req.stream) body = Readable.toWeb(req.stream) as unknown as ReadableStream<Uint8Array>;
    else if (req.body && req.body.length) body = req.body as unknown as Uint8Array<ArrayBuffer>;
  }
  const url = `${req.protocol}://${req.host || 'localhost'}${req.url}`;
  return new Request(url, { method: req.method, headers, body, signal, duplex: 'half' } as RequestInit);
}

export async function callFetch(fetch: FetchFn, req: RuntimeRequest, ctx: InvocationContext): Promise<RuntimeResult> {
  const res = await fetch(toWebRequest(req, ctx.signal), {}, { waitUntil() {}, passThroughOnException() {} });
  if (!(res instanceof Response)) {
    throw new TypeError(`the fetch app returned ${res === undefined ? 'undefined' : typeof res} instead of a Response`);
  }
  return webResponseToResult(res);
}
