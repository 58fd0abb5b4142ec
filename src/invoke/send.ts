// Sends one invoke request and collects the response, handing each body chunk to `onChunk` as it
// arrives so streams and server-sent events print live. node:http rather than fetch: fetch
// refuses the "bad ports" of the Fetch standard (6000, 6667...), which a local function may use.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FnkitError } from '../errors.js';
import type { InvokeRequest } from './request.js';
import type { InvokeResponse } from './response.js';

export interface SendOptions {
  signal?: AbortSignal;
  onHead?: (status: number, headers: Record<string, string>) => void;
  onChunk?: (chunk: Uint8Array) => void;
}

export function send(url: string, req: InvokeRequest, opts: SendOptions = {}): Promise<InvokeResponse> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = req.body && req.method !== 'GET' && req.method !== 'HEAD' ? req.body : undefined;
  const headers: Record<string, string> = { ...req.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolveRes, reject) => {
    const r = request(u, { method: req.method, headers, signal: opts.signal }, (res) => {
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
      opts.onHead?.(res.statusCode ?? 0, flat);
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        opts.onChunk?.(c);
      });
      res.on('end', () => resolveRes({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) }));
      res.on('error', (err) => reject(unreachable(url, err)));
    });
    r.on('error', (err) => reject(unreachable(url, err)));
    r.end(body);
  });
}

function unreachable(url: string, err: Error): FnkitError {
  const code = (err as NodeJS.ErrnoException).code;
  return new FnkitError('FN_ERR_UNREACHABLE', `cannot reach ${url}: ${code ?? err.message}`, {
    hint: 'check that the function is still running (fn run) or that the URL is right',
    data: { url },
    cause: err,
  });
}
