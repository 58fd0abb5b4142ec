// Sends one invoke request and collects the response, handing each body chunk to `onChunk` as it
// arrives so streams and server-sent events print live.
import { FnkitError } from '../errors.js';
import type { InvokeRequest } from './request.js';
import type { InvokeResponse } from './response.js';

export interface SendOptions {
  signal?: AbortSignal;
  onHead?: (status: number, headers: Record<string, string>) => void;
  onChunk?: (chunk: Uint8Array) => void;
}

export async function send(url: string, req: InvokeRequest, opts: SendOptions = {}): Promise<InvokeResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: req.method,
      headers: req.headers,
      body: req.body && req.method !== 'GET' && req.method !== 'HEAD' ? new Uint8Array(req.body) : undefined,
      signal: opts.signal,
      redirect: 'manual',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new FnkitError('FN_ERR_UNREACHABLE', `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, {
      hint: 'check that the function is still running (fn run) or that the URL is right',
      data: { url },
      cause: err,
    });
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  opts.onHead?.(res.status, headers);
  const chunks: Buffer[] = [];
  if (res.body) {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(Buffer.from(chunk));
      opts.onChunk?.(chunk);
    }
  }
  return { status: res.status, headers, body: Buffer.concat(chunks) };
}
