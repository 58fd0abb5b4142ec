// Streaming out (chunks must reach a real client before the stream ends), SSE, web fetch apps
// (Hono and a bare fetch export) and streamed request bodies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { start, send, timedChunks, waitForLog, type Served } from './helpers.js';

let kitchen: Served;
let hono: Served;
let bare: Served;
let streamer: Served;
before(async () => {
  [kitchen, hono, bare, streamer] = await Promise.all([start('kitchen.ts'), start('hono-app.ts'), start('fetch-fn.ts'), start('streaming-input.ts', { env: { FN_BODY_LIMIT: '1kb' } })]);
});
after(async () => { await Promise.all([kitchen.stop(), hono.stop(), bare.stop(), streamer.stop()]); });

function assertFlushedEarly(r: Awaited<ReturnType<typeof timedChunks>>, expected: string): void {
  assert.equal(r.chunks.map((c) => c.text).join(''), expected);
  // With 400 ms gaps between chunks, the first must arrive long before the stream ends (the
  // margin leaves room for a machine busy enough to stall a process for a moment).
  assert.ok(r.chunks.length >= 2, `chunks: ${JSON.stringify(r.chunks)}`);
  assert.ok(r.chunks[0]!.at < r.total - 300, `first chunk at ${r.chunks[0]!.at} ms, end at ${r.total} ms`);
}

test('async iterable streams chunk by chunk', async () => {
  const r = await timedChunks(kitchen.url, '/stream?gap=400');
  assert.equal(r.status, 200);
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  assertFlushedEarly(r, 'chunk0\nchunk1\nchunk2\n');
});

test('web ReadableStream streams chunk by chunk', async () => {
  const r = await timedChunks(kitchen.url, '/webstream?gap=400');
  assertFlushedEarly(r, 'w0\nw1\nw2\n');
});

test('server-sent events helper', async () => {
  const r = await timedChunks(kitchen.url, '/sse?gap=500');
  assert.equal(r.headers['content-type'], 'text/event-stream; charset=utf-8');
  assert.equal(r.headers['cache-control'], 'no-cache');
  assertFlushedEarly(r, 'event: tick\nid: 1\ndata: {"n":1}\n\ndata: two\ndata: lines\n\n');
});

test('Hono app served through its fetch: routing, params, JSON body, status, cookies, streaming', async () => {
  const g = await send(hono.url, { path: '/' });
  assert.deepEqual(g.json(), { hono: true });
  const p = await send(hono.url, { method: 'POST', path: '/items/42?q=yes', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  assert.equal(p.status, 201);
  assert.deepEqual(p.json(), { id: '42', body: { a: 1 }, q: 'yes' });
  const c = await send(hono.url, { path: '/cookies' });
  assert.deepEqual(c.headers['set-cookie'], ['a=1', 'b=2']);
  const nf = await send(hono.url, { path: '/nope' });
  assert.equal(nf.status, 404);
  const s = await timedChunks(hono.url, '/stream');
  assertFlushedEarly(s, 'h0\nh1\nh2\n');
  // The invoker's own routes still answer in front of the app.
  assert.equal((await send(hono.url, { path: '/health/readiness' })).status, 200);
});

test('bare export function fetch', async () => {
  const r = await send(bare.url, { method: 'DELETE', path: '/x/y?z=1' });
  assert.deepEqual(r.json(), { method: 'DELETE', path: '/x/y', search: '?z=1' });
});

test('config = { body: "stream" } hands the handler the raw stream, unbuffered and beyond the buffered limit', async () => {
  const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const u = new URL(streamer.url);
    const req = httpRequest({ host: u.hostname, port: u.port, method: 'POST', path: '/', headers: { 'content-type': 'application/octet-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d) => { text += d; }).on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    let i = 0;
    const tick = (): void => { if (i++ < 4) { req.write(Buffer.alloc(1000, 1)); setTimeout(tick, 30); } else req.end(); };
    tick();
  });
  assert.equal(r.status, 200, r.text);
  const j = JSON.parse(r.text);
  assert.equal(j.bytes, 4000);
  assert.ok(j.chunks >= 2, `chunks ${j.chunks}`);
  assert.equal(j.bodyIsUndefined, true);
});

test('a stream that fails midway cuts the response off; the process keeps serving', async () => {
  const outcome = await new Promise<{ body: string; aborted: boolean }>((resolve) => {
    const u = new URL('/stream-fail', kitchen.url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ body, aborted: false }));
      res.on('error', () => resolve({ body, aborted: true }));
      res.on('aborted', () => resolve({ body, aborted: true }));
    });
    req.on('error', () => resolve({ body: '', aborted: true }));
    req.end();
  });
  assert.equal(outcome.aborted, true, 'a chunked response must not end cleanly after a failure');
  assert.equal(outcome.body, 'first\n');
  assert.equal((await send(kitchen.url, { path: '/' })).status, 200);
  assert.ok(await waitForLog(kitchen, (l) => l.msg === 'response stream failed' && (l.err as { message?: string })?.message === 'stream broke'));
});
