// One HTTP exchange with a registry over node:http/https: buffered response, manual redirects
// (blob GETs are often redirected to object storage, which must not see our Authorization),
// abort and idle timeout. No auth and no retries here: those live in transport.ts.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

export type RequestBody = Buffer | (() => NodeJS.ReadableStream);

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that finally answered, after redirects. */
  url: string;
}

export interface HttpAgents { http: http.Agent; https: https.Agent }

export function createAgents(insecureTls: boolean): HttpAgents {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
    // insecure means what docker's insecure-registries means: plain HTTP or TLS without verification.
    https: new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: !insecureTls }),
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** A registry that accepts the connection but says nothing for this long is treated as gone. */
const IDLE_TIMEOUT_MS = 60_000;

function once(req: HttpRequest, agents: HttpAgents): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const u = new URL(req.url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'user-agent': 'fnkit', ...req.headers };
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    else if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') headers['content-length'] = '0';
    const r = mod.request(u, {
      method: req.method,
      headers,
      agent: u.protocol === 'https:' ? agents.https : agents.http,
      signal: req.signal,
      timeout: IDLE_TIMEOUT_MS,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url: req.url }));
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error(`no answer for ${IDLE_TIMEOUT_MS / 1000}s`), { code: 'ETIMEDOUT' })));
    r.on('error', reject);
    if (req.body === undefined) r.end();
    else if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      const src = req.body();
      const readable = src instanceof Readable ? src : Readable.from(src as AsyncIterable<Buffer>);
      readable.on('error', (e) => r.destroy(e));
      readable.pipe(r);
    }
  });
}

/** Sends one request, following redirects; drops Authorization when the origin changes. */
export async function send(req: HttpRequest, agents: HttpAgents): Promise<HttpResponse> {
  let current = req;
  for (let i = 0; ; i++) {
    const res = await once(current, agents);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || !location || i >= MAX_REDIRECTS) return res;
    const next = new URL(location, current.url);
    const headers = { ...current.headers };
    if (next.origin !== new URL(current.url).origin) delete headers.authorization;
    // 303 turns anything into a GET; 301/302 do for POST by long habit (RFC 9110 15.4).
    const toGet = res.status === 303 || ((res.status === 301 || res.status === 302) && current.method === 'POST');
    current = { ...current, url: next.toString(), headers, method: toGet ? 'GET' : current.method, body: toGet ? undefined : current.body };
  }
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
