// A recording, fault-injecting HTTP proxy in front of a real registry. It keeps the client's
// Host header, so the registry's upload Locations point back at the proxy. Tests use it to count
// requests (cache, skipped uploads) and to inject what real networks do: 503s, dropped
// connections, a body that does not match its digest.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Seen { method: string; path: string; status?: number; authorization?: string }

export interface ProxyOptions {
  /** Rewrite the registry's Location header (send uploads to another host). */
  rewriteLocation?: (location: string) => string;
  /** Headers added before forwarding (after recording what the client sent). */
  addHeaders?: Record<string, string>;
}

/** What to do with one request: pass it on (undefined), answer it, drop it, or corrupt the answer. */
export type Fault = undefined | { status: number; body?: string; headers?: Record<string, string> } | 'reset' | 'corrupt';

export interface TestProxy {
  host: string;
  seen: Seen[];
  /** Decides per request; set by the test, undefined passes everything. */
  fault?: (req: { method: string; path: string }) => Fault;
  count(method: string, pathPattern: RegExp): number;
  close(): Promise<void>;
}

export async function startProxy(target: string, opts: ProxyOptions = {}): Promise<TestProxy> {
  const [thost, tport] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  const proxy: TestProxy = {
    host: '',
    seen: [],
    count: (method, re) => proxy.seen.filter((s) => s.method === method && re.test(s.path)).length,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server = http.createServer((req, res) => {
    const entry: Seen = { method: req.method!, path: req.url!, authorization: req.headers.authorization };
    proxy.seen.push(entry);
    const fault = proxy.fault?.({ method: entry.method, path: entry.path });
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault && typeof fault === 'object') {
      req.resume();
      entry.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    const up = http.request({ host: thost, port: Number(tport), method: req.method, path: req.url, headers: { ...req.headers, ...opts.addHeaders } }, (ur) => {
      entry.status = ur.statusCode;
      if (opts.rewriteLocation && typeof ur.headers.location === 'string') ur.headers.location = opts.rewriteLocation(ur.headers.location);
      if (fault === 'corrupt') {
        const chunks: Buffer[] = [];
        ur.on('data', (c: Buffer) => chunks.push(c));
        ur.on('end', () => {
          const body = Buffer.concat(chunks);
          if (body.length > 0) body[body.length - 1] = body[body.length - 1]! ^ 0xff;
          res.writeHead(ur.statusCode!, ur.headers);
          res.end(body);
        });
        return;
      }
      res.writeHead(ur.statusCode!, ur.headers);
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
