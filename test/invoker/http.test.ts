// The invoker as its own process on a real port: inputs by content type, every output shape,
// errors thrown each way, limits, logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { start, send, waitForLog, type Served } from './helpers.js';

let s: Served;
before(async () => { s = await start('kitchen.ts', { env: { FN_TIMEOUT: '1', FN_BODY_LIMIT: '64kb', K_SERVICE: 'kitchen', K_REVISION: 'kitchen-00001', K_CONFIGURATION: 'kitchen' } }); });
after(async () => { await s.stop(); });

test('every method and every path reaches the handler', async () => {
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    for (const path of ['/', '/a/deep/path', '/health', '/metricsx']) {
      const r = await send(s.url, { method, path });
      assert.equal(r.status, 200, `${method} ${path}`);
      assert.deepEqual(r.json(), { hello: 'world', path });
    }
  }
  // Reserved paths answer only GET/HEAD; other methods are the user's.
  const r = await send(s.url, { method: 'POST', path: '/health/liveness' });
  assert.deepEqual(r.json(), { hello: 'world', path: '/health/liveness' });
});

test('body decoding by content type', async () => {
  const cases: Array<[string | undefined, string | Buffer, string, unknown]> = [
    ['application/json', '{"a":[1,2]}', 'object', { a: [1, 2] }],
    ['Application/JSON; Charset=UTF-8', '"str"', 'string', 'str'],
    ['application/vnd.api+json', '123', 'number', 123],
    ['text/plain', 'héllo', 'string', 'héllo'],
    ['text/csv; charset=iso-8859-1', Buffer.from([0x63, 0xe9]), 'string', 'cé'],
    ['application/x-www-form-urlencoded', 'a=1&b=2', 'string', 'a=1&b=2'],
    ['application/octet-stream', Buffer.from([0, 255, 1]), 'buffer', Buffer.from([0, 255, 1]).toString('base64')],
    ['image/png', Buffer.from([137, 80]), 'buffer', Buffer.from([137, 80]).toString('base64')],
    [undefined, Buffer.from('raw'), 'buffer', Buffer.from('raw').toString('base64')],
    ['application/json', '', 'undefined', undefined],
  ];
  for (const [ct, body, type, value] of cases) {
    const headers: Record<string, string> = {};
    if (ct) headers['content-type'] = ct;
    const r = await send(s.url, { method: 'POST', path: '/echo', headers, body });
    assert.equal(r.status, 200, `${ct}: ${r.text}`);
    const j = r.json();
    assert.equal(j.bodyType, type, `${ct}`);
    assert.deepEqual(j.body, value, `${ct}`);
  }
});

test('query, path and Knative internal headers', async () => {
  const r = await send(s.url, { path: '/echo?x=1&x=2&y=%20z', headers: { 'k-proxy-request': 'activator' } });
  const j = r.json();
  assert.deepEqual(j.query, { x: ['1', '2'], y: ' z' });
  assert.equal(j.url, '/echo?x=1&x=2&y=%20z');
  assert.equal(j.kProxy, null);
});

test('context: request id (honoured or generated), trace id, Knative identity, deadline', async () => {
  const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const r = await send(s.url, { path: '/ctx', headers: { 'x-request-id': 'abc-123', traceparent: tp } });
  const j = r.json();
  assert.equal(j.requestId, 'abc-123');
  assert.equal(j.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.deepEqual([j.service, j.revision, j.configuration], ['kitchen', 'kitchen-00001', 'kitchen']);
  assert.ok(j.deadlineInMs > 500 && j.deadlineInMs <= 1000, String(j.deadlineInMs));
  const g = (await send(s.url, { path: '/ctx' })).json();
  assert.match(g.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(g.traceId, null);
});

test('output mapping', async () => {
  const t = await send(s.url, { path: '/text' });
  assert.equal(t.status, 200);
  assert.match(String(t.headers['content-type']), /^text\/plain/);
  assert.equal(t.text, 'hello text');
  const b = await send(s.url, { path: '/bytes' });
  assert.equal(b.headers['content-type'], 'application/octet-stream');
  assert.deepEqual([...b.body], [0, 1, 2, 255]);
  const u = await send(s.url, { path: '/uint8' });
  assert.deepEqual([...u.body], [9, 8, 7]);
  const n = await send(s.url, { path: '/none' });
  assert.equal(n.status, 204);
  assert.equal(n.body.length, 0);
  const nl = await send(s.url, { path: '/null' });
  assert.equal(nl.status, 200);
  assert.equal(nl.text, 'null');
  assert.equal((await send(s.url, { path: '/number' })).text, '42');
  const e = await send(s.url, { path: '/explicit' });
  assert.equal(e.status, 201);
  assert.equal(e.headers['x-custom'], 'yes');
  assert.deepEqual(e.headers['set-cookie'], ['a=1', 'b=2']);
  assert.match(String(e.headers['content-type']), /^application\/json/);
  assert.deepEqual(e.json(), { created: true });
  const es = await send(s.url, { path: '/explicit-status' });
  assert.equal(es.status, 202);
  assert.equal(es.text, 'accepted as text');
  const w = await send(s.url, { path: '/web' });
  assert.equal(w.status, 203);
  assert.equal(w.headers['x-web'], '1');
  assert.equal(w.headers['content-type'], 'text/x-web');
  assert.equal(w.text, 'from web');
  const h = await send(s.url, { method: 'HEAD', path: '/text' });
  assert.equal(h.status, 200);
  assert.equal(h.body.length, 0);
});

test('errors: status honoured, other throws are 500 without internals', async () => {
  for (const path of ['/throw', '/reject', '/throw-string', '/timer-throw', '/unhandled']) {
    const r = await send(s.url, { path, headers: { 'x-request-id': `err-${path.slice(1)}` } });
    assert.equal(r.status, 500, path);
    assert.deepEqual(r.json(), { requestId: `err-${path.slice(1)}`, error: 'Internal Server Error' }, path);
  }
  const t = await send(s.url, { path: '/throw-http' });
  assert.equal(t.status, 418);
  assert.equal(t.headers['retry-after'], '7');
  assert.equal(t.json().error, 'I am a teapot');
  const c = await send(s.url, { path: '/throw-status' });
  assert.equal(c.status, 409);
  assert.equal(c.json().error, 'conflict here');
  // The process survived all of it, and logged the cause with the request id.
  assert.equal((await send(s.url, { path: '/text' })).status, 200);
  const logged = await waitForLog(s, (l) => l.requestId === 'err-timer-throw');
  assert.equal((logged?.err as { message?: string })?.message, 'thrown in a timer');
});

test('malformed JSON is 400 naming the problem', async () => {
  const r = await send(s.url, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/json' }, body: '{"a":' });
  assert.equal(r.status, 400);
  const j = r.json();
  assert.equal(j.code, 'FN_ERR_BAD_JSON');
  assert.match(j.error, /not valid JSON/);
  assert.ok(j.requestId);
});

test('body limit: 413 JSON naming the limit and how to raise it, by length and by chunks', async () => {
  const big = Buffer.alloc(64 * 1024 + 1, 97);
  const r = await send(s.url, { method: 'POST', path: '/echo', headers: { 'content-type': 'text/plain' }, body: big });
  assert.equal(r.status, 413);
  const j = r.json();
  assert.equal(j.code, 'FN_ERR_BODY_TOO_LARGE');
  assert.match(j.error, /64 KiB/);
  assert.match(j.hint, /FN_BODY_LIMIT/);
  // Chunked upload without Content-Length is cut off too.
  const status = await new Promise<string>((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n');
      const chunk = Buffer.alloc(16 * 1024, 98);
      for (let i = 0; i < 5; i++) sock.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      sock.write('0\r\n\r\n');
    });
    let out = '';
    sock.on('data', (d) => { out += d; });
    sock.on('end', () => resolve(out.split('\r\n')[0]!));
    sock.on('error', reject);
  });
  assert.match(status, /413/);
  // Exactly at the limit passes.
  const ok = await send(s.url, { method: 'POST', path: '/echo', headers: { 'content-type': 'text/plain' }, body: Buffer.alloc(64 * 1024, 97) });
  assert.equal(ok.status, 200);
});

test('timeout: 504 JSON and the handler signal fires', async () => {
  const t0 = Date.now();
  const r = await send(s.url, { path: '/slow?ms=5000' });
  const took = Date.now() - t0;
  assert.equal(r.status, 504);
  assert.equal(r.json().code, 'FN_ERR_TIMEOUT');
  assert.ok(took >= 900 && took < 3000, `took ${took}`);
  const aborts = (await send(s.url, { path: '/aborts' })).json();
  assert.ok(aborts.some((a: { name: string }) => a.name === 'TimeoutError'), JSON.stringify(aborts));
});

test('client disconnect aborts the signal', async () => {
  const before = (await send(s.url, { path: '/aborts' })).json().length;
  await new Promise<void>((resolve) => {
    const sock = connect(s.port, '127.0.0.1', () => {
      sock.write('GET /slow?ms=5000 HTTP/1.1\r\nHost: x\r\n\r\n');
      setTimeout(() => { sock.destroy(); resolve(); }, 400);
    });
  });
  let aborts: Array<{ name: string; message: string }> = [];
  for (let i = 0; i < 60 && aborts.length <= before; i++) {
    await new Promise((r) => setTimeout(r, 50));
    aborts = (await send(s.url, { path: '/aborts' })).json();
  }
  assert.equal(aborts.length, before + 1);
  assert.equal(aborts.at(-1)!.name, 'AbortError');
  assert.match(aborts.at(-1)!.message, /closed the connection/);
});

test('logs are JSON lines with level, request id and the service identity', async () => {
  const line = await waitForLog(s, (l) => l.msg === 'handler failed');
  assert.ok(line);
  assert.equal(line.level, 50);
  assert.equal(line.service, 'kitchen');
  assert.equal(line.revision, 'kitchen-00001');
  assert.equal(typeof line.requestId, 'string');
});
