// `fn run --watch` keeps the user's port on a small reverse proxy and swaps the invoker child
// behind it: the new build starts on a private port, and only once it is ready does traffic
// move to it, so a save never drops a request and a broken build never replaces a good one.
import { createServer, request, Agent, type Server } from 'node:http';

export interface SwapProxy {
  server: Server;
  /** Sends new requests to this port from now on. */
  setTarget(port: number): void;
  close(): Promise<void>;
}

export function startProxy(port: number, host: string): Promise<SwapProxy> {
  let target: number | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    if (target === undefined) {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'the function is not built yet: fix the error fn run printed and save again' }));
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.rawHeaders);
        // flushes each chunk as it comes, so streams and server-sent events stay live
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `the function process is not answering: ${err.message}` }));
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  return new Promise((resolveProxy, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject);
      resolveProxy({
        server,
        setTarget(p) {
          target = p;
        },
        close() {
          agent.destroy();
          server.closeAllConnections();
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}
