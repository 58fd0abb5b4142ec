'use strict';
// The build's training run (src/build/code-cache.ts), run by the image's own node on the build
// machine: node train.cjs <app/fnkit dir> <cache file>. It loads the runtime exactly as an image
// does (load.cjs, no cache yet), starts the invoker with a small function on a loopback port,
// sends it what a function's first minutes bring (readiness, GET, a JSON POST, CloudEvents in
// binary and structured mode, metrics, an error), then writes V8's code cache: the bytecode of
// every function that ran, which the image's node then loads instead of compiling.
const { request } = require('node:http');
const { createServer } = require('node:net');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node train.cjs <app/fnkit dir> <cache file>');
  process.exit(2);
}

const freePort = () => new Promise((res, rej) => {
  const s = createServer().once('error', rej).listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => res(port));
  });
});

const call = (port, method, path, headers = {}, body) => new Promise((res, rej) => {
  const r = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (m) => {
    m.resume();
    m.on('end', () => res(m.statusCode));
  });
  r.on('error', rej);
  r.end(body);
});

async function main() {
  const port = await freePort();
  process.env.PORT = String(port);
  process.env.FN_HOST = '127.0.0.1';
  // a V8 flag changed at run time would go into the cache's flag check, and no image would match it
  process.env.FN_YOUNG_GENERATION_CAP = 'off';
  // logging stays on (info, as in a container): its code is part of every request's path
  const runtime = require(join(dir, 'load.cjs'));
  const fn = {
    default: (req) => {
      if (req.path === '/fail') throw new Error('training: an error on purpose');
      return req.method === 'GET' ? { hello: 'world' } : req.body;
    },
  };
  void runtime.invoker.main({
    runtime: () => runtime.node.nodeRuntime(fn, { dev: false }),
    defaults: { timeoutMs: 30000, bodyLimit: 6291456, reservedPrefix: '', dev: false, ceReplyMode: 'request', ceReplyType: 'dev.fnkit.train', ceReplySource: '/fnkit/train' },
  });
  const deadline = Date.now() + 20000;
  for (;;) {
    const status = await call(port, 'GET', '/health/readiness').catch(() => 0);
    if (status === 200) break;
    if (Date.now() > deadline) throw new Error('the invoker did not become ready within 20 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  const json = { 'content-type': 'application/json' };
  const ce = { ...json, 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': 'dev.fnkit.train', 'ce-source': '/train' };
  const structured = JSON.stringify({ specversion: '1.0', id: '2', type: 'dev.fnkit.train', source: '/train', data: { a: 1 } });
  // what each answers when the runtime works: a broken path must fail the run, not shrink the cache
  const steps = [
    ['GET', '/', {}, undefined, 200],
    ['POST', '/', json, '{"a":[1,2,3]}', 200],
    ['POST', '/', ce, '{"a":1}', 200],
    ['POST', '/', { 'content-type': 'application/cloudevents+json' }, structured, 200],
    ['GET', '/fail', {}, undefined, 500],
    ['GET', '/health/liveness', {}, undefined, 200],
    ['GET', '/metrics', {}, undefined, 200],
  ];
  // twice: the second round compiles what only a warm path reaches
  for (let i = 0; i < 2; i++) {
    for (const [method, path, headers, body, want] of steps) {
      const got = await call(port, method, path, headers, body);
      if (got !== want) throw new Error(`${method} ${path} answered ${got}, expected ${want}`);
    }
  }
  writeFileSync(out, runtime.createCodeCache());
  process.exit(0);
}

main().catch((err) => {
  console.error(`code cache training failed: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
