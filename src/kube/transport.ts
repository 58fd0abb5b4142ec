// One HTTP exchange with the API server. Authentication and TLS come from client-node's
// KubeConfig (tokens, client certificates, exec and auth-provider plugins, CA data); the request
// itself uses node:http(s) so responses can be streamed (watch, follow logs) and every failure
// can be named precisely.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { FnkitError } from '../errors.js';
import type { KubeTarget } from './config.js';
import { errorFromStatus, errorFromTransport, type RequestInfo } from './errors.js';

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Time allowed until the response headers arrive (streams then run until aborted). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Sends the request; resolves with the open response for 2xx, rejects with an FnkitError otherwise. */
export async function openRequest(target: KubeTarget, req: KubeRequest): Promise<IncomingMessage> {
  const url = new URL(target.server.replace(/\/+$/, '') + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const info: RequestInfo = { method: req.method, path: req.path, query: req.query, server: target.server, user: target.user, context: target.context };
  const opts: https.RequestOptions = { method: req.method, headers: { Accept: 'application/json' } };
  try {
    await target.kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new FnkitError('FN_ERR_BAD_KUBECONFIG', `cannot use the credentials of context "${target.context}" for ${target.server}: ${(err as Error).message}`, {
      hint: (err as Error).message.includes('HTTP protocol') ? 'plain http:// servers need insecure-skip-tls-verify: true in the kubeconfig cluster entry' : 'check the user entry of the kubeconfig',
      data: { server: target.server, context: target.context },
      cause: err,
    });
  }
  const payload = req.body === undefined ? undefined : Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
  const headers = opts.headers as Record<string, string>;
  if (payload) {
    headers['Content-Type'] = req.contentType ?? 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  headers['User-Agent'] = 'fnkit';
  const lib = url.protocol === 'http:' ? http : https;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return await new Promise<IncomingMessage>((resolve, reject) => {
    const r = lib.request(url, { ...opts, signal: req.signal }, (res) => {
      clearTimeout(timer);
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 300) return resolve(res);
      readAll(res).then((body) => reject(errorFromStatus(code, body, info)), reject);
    });
    const timer = setTimeout(() => {
      r.destroy();
      reject(new FnkitError('FN_ERR_KUBE_TIMEOUT', `the API server at ${target.server} did not answer ${req.method} ${req.path} within ${timeoutMs / 1000}s`, {
        hint: 'the cluster may be overloaded or unreachable; retry later',
        data: { server: target.server, path: req.path },
      }));
    }, timeoutMs);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(req.signal?.aborted ? req.signal.reason ?? err : errorFromTransport(err, info));
    });
    r.end(payload);
  });
}

/** A request whose JSON answer is wanted whole. */
export async function requestJson<T = any>(target: KubeTarget, req: KubeRequest): Promise<T> {
  const res = await openRequest(target, req);
  const body = await readAll(res);
  return (body ? JSON.parse(body) : {}) as T;
}

export async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits a streamed response into lines (watch events, log lines); ends when the stream ends. */
export async function* lines(res: IncomingMessage): AsyncGenerator<string> {
  let buf = '';
  try {
    for await (const chunk of res) {
      buf += (chunk as Buffer).toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        yield buf.slice(0, i);
        buf = buf.slice(i + 1);
      }
    }
  } catch (err) {
    // an aborted stream is the normal way a follow or watch ends
    if ((err as NodeJS.ErrnoException).code !== 'ABORT_ERR' && (err as Error).name !== 'AbortError' && (err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
  }
  if (buf) yield buf;
}
