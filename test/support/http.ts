// One HTTP request on a fresh connection, with full control over headers (fetch would add its
// own) and the raw header list kept (repeated Set-Cookie, multi-value mapping). Shared by the
// invoker and Lambda suites.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  text: string;
  json(): any;
}

export interface HttpCall {
  method?: string;
  /** Path and query, resolved against the base URL. */
  path?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export function httpCall(url: string, opts: HttpCall = {}): Promise<HttpReply> {
  const u = new URL(opts.path ?? '/', url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const text = body.toString('utf8');
          resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
