// The function's requests bypass fastify's router (invoker/server.ts dispatch → serveRaw), so
// what fastify's catch-all used to do is ours to keep: the 503 for a request that arrives on a
// kept-alive connection during a drain, a whole error answer for a stream that fails before its
// first chunk, the fall-through from a runtime route, the request id, and injected requests
// taking the production path. In-process invokers on real ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createInvoker } from '../../invoker/server.js';
import { readSettings } from '../../invoker/config.js';
import { nodeRuntime } from '../../runtimes/node/index.js';
import type { Runtime } from '../../runtimes/types.js';

function settings(extra: Record<string, string> = {}) {
  return readSettings(extra, { logLevel: 'silent' });
}

/** Writes raw HTTP/1.1 on one socket and collects everything that comes back until it closes. */
function rawExchange(port: number, first: string, later: () => Promise<string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.setEncoding('latin1');
    sock.on('data', (d) => { got += d; });
    sock.on('error', reject);
    sock.on('close', () => resolve(got));
    sock.write(first);
    later().then((more) => sock.write(more), reject);
    setTimeout(() => sock.destroy(), 8000).unref();
  });
}

test('a request on a kept-alive connection after the drain began gets 503 and Connection: close; the one in flight completes', async () => {
  let release!: () => void;
  let started!: () => void;
  const inFlight = new Promise<void>((r) => { started = r; });
  const inv = createInvoker({
    runtime: nodeRuntime({ default: () => { started(); return new Promise<string>((r) => { release = () => r('slow done'); }); } }),
    settings: settings(),
  });
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  const port = Number(new URL(addr).port);
  let draining: Promise<void> | undefined;
  const text = await rawExchange(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', async () => {
    await inFlight;
    draining = inv.drain(5000);
    // Pipelined behind the slow one on the same connection: it reaches the server only now.
    setTimeout(() => release(), 50);
    return 'GET /next HTTP/1.1\r\nHost: x\r\n\r\n';
  });
  await draining;
  const answers = text.split(/(?=HTTP\/1\.1 )/);
  assert.equal(answers.length, 2, text);
  assert.match(answers[0]!, /^HTTP\/1\.1 200 /);
  assert.match(answers[0]!, /slow done$/);
  assert.match(answers[1]!, /^HTTP\/1\.1 503 /);
  assert.match(answers[1]!, /\r\nconnection: close\r\n/i);
  assert.match(answers[1]!, /"error":"the function is shutting down"/);
});

test('a stream that fails before its first chunk gets a whole 500 JSON answer, not a cut connection', async () => {
  const inv = createInvoker({
    runtime: nodeRuntime({
      // eslint-disable-next-line require-yield
      default: () => ({ status: 200, headers: { 'x-set-before': 'yes' }, body: (async function* () { throw new Error('no data today'); })() }),
    }),
    settings: settings(),
  });
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    const res = await fetch(addr + '/', { headers: { 'x-request-id': 'req-early-fail' } });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-set-before'), null, 'the failed answer does not keep the stream\'s headers');
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.requestId, 'req-early-fail');
    assert.equal(body.error, 'Internal Server Error');
    assert.equal(body.stack, undefined);
    // and the server still serves
    assert.equal((await fetch(addr + '/')).status, 500);
  } finally { await inv.drain(1000); }
});

test('a client that leaves a stream stops its source', async () => {
  let finallyRan!: () => void;
  const stopped = new Promise<void>((r) => { finallyRan = r; });
  const inv = createInvoker({
    runtime: nodeRuntime({
      default: () => (async function* () {
        try { for (let i = 0; ; i++) { yield `tick ${i}\n`; await new Promise((r) => setTimeout(r, 10)); } } finally { finallyRan(); }
      })(),
    }),
    settings: settings(),
  });
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    const ac = new AbortController();
    const res = await fetch(addr + '/', { signal: ac.signal });
    const reader = res.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /tick 0/);
    ac.abort();
    await Promise.race([stopped, new Promise((_, rej) => setTimeout(() => rej(new Error('the generator kept running after the client left')), 3000))]);
  } finally { await inv.drain(1000); }
});

test('a path under a runtime route that the route does not match falls through to the function; the route itself still gets its params', async () => {
  const seen: string[] = [];
  const runtime: Runtime = {
    name: 'probe',
    init: async () => {},
    shutdown: async () => {},
    invoke: (req) => { seen.push(`${req.method} ${req.path}`); return { kind: 'value', value: { via: 'function', body: req.body?.toString() } }; },
    routes: [{ method: 'POST', url: '/api/items/:id/run', handler: (req) => Promise.resolve({ kind: 'response', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ via: 'route', params: req.params, body: req.body?.toString() }) }) }],
  };
  const inv = createInvoker({ runtime, settings: settings() });
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    const viaRoute = await fetch(addr + '/api/items/42/run', { method: 'POST', body: 'payload' });
    assert.deepEqual(await viaRoute.json(), { via: 'route', params: { id: '42' }, body: 'payload' });
    const fellThrough = await fetch(addr + '/api/items/42/run', { method: 'PUT', body: 'other' });
    assert.deepEqual(await fellThrough.json(), { via: 'function', body: 'other' });
    const elsewhere = await fetch(addr + '/health/liveness', { method: 'POST', body: 'x' });
    assert.deepEqual(await elsewhere.json(), { via: 'function', body: 'x' });
    assert.deepEqual(seen, ['PUT /api/items/42/run', 'POST /health/liveness']);
    const live = await fetch(addr + '/health/liveness');
    assert.deepEqual(await live.json(), { status: 'ok' });
  } finally { await inv.drain(1000); }
});

test('request ids: x-request-id is kept, otherwise each request gets a distinct one; inject() takes the same path', async () => {
  const inv = createInvoker({ runtime: nodeRuntime({ default: (_req: unknown, ctx: { requestId: string }) => ({ id: ctx.requestId }) }), settings: settings() });
  await inv.start();
  const given = await inv.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'mine-1' } });
  assert.deepEqual(given.json(), { id: 'mine-1' });
  const ids = new Set<string>();
  for (let i = 0; i < 5; i++) ids.add((await inv.inject({ method: 'GET', url: '/' })).json().id);
  assert.equal(ids.size, 5);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'UUID-shaped, as Lambda handlers expect');
  await inv.drain(1000);
});

test('async errors are attributed through the request context unless the runtime attributes its own (attributesAsyncErrors)', async () => {
  for (const owns of [false, true]) {
    let attributed: boolean | undefined;
    const runtime: Runtime = {
      name: 'probe',
      attributesAsyncErrors: owns,
      init: async () => {},
      shutdown: async () => {},
      // As a process-level uncaughtException handler would, from a timer the request scheduled.
      invoke: () => new Promise((resolve) => {
        setTimeout(() => {
          attributed = inv.failFromAsync(new Error('thrown in a timer'));
          if (!attributed) resolve({ kind: 'value', value: 'answered by the runtime' });
        }, 5);
      }),
    };
    const inv = createInvoker({ runtime, settings: settings() });
    await inv.start();
    const res = await inv.inject({ method: 'GET', url: '/' });
    assert.equal(attributed, !owns);
    if (owns) assert.equal(res.body, 'answered by the runtime');
    else assert.equal(res.statusCode, 500);
    await inv.drain(100);
  }
});

/**
 * A plain-function handler: its calls run without async context tracking until one outlives its
 * call (runtimes/types.ts syncHandler). As main.ts's process handlers would, the timers below
 * report the error through failFromAsync.
 */
function syncHandlerInvoker() {
  const reports: Array<[string, boolean]> = [];
  let inv!: ReturnType<typeof createInvoker>;
  let eventReturned!: () => void;
  const eventCalled = new Promise<void>((r) => { eventReturned = r; });
  const report = (what: string) => () => { reports.push([what, inv.failFromAsync(new Error(`${what} failed later`))]); };
  const runtime = nodeRuntime({
    default: (req: { path: string }) => {
      switch (req.path) {
        case '/plain': setTimeout(report('plain'), 5); return 'plain';
        // An event returned to a plain HTTP request: its delivery waits for the CloudEvents
        // module's first load, after the handler is done.
        case '/event': eventReturned(); return { specversion: '1.0', id: 'e-1', type: 'com.example.t', source: '/s', data: { ok: true } };
        case '/crash': return new Promise(() => { setTimeout(report('crash'), 5); });
        default: return new Promise((r) => setTimeout(() => r('waited'), 60));
      }
    },
  });
  inv = createInvoker({ runtime, settings: settings({ FN_TIMEOUT: '3s' }) });
  return { inv, reports, runtime, eventCalled };
}

test('a plain-function handler is declared sync; async functions and fetch apps are not', () => {
  assert.equal(nodeRuntime({ default: () => 1 }).syncHandler, true);
  assert.equal(nodeRuntime({ default: async () => 1 }).syncHandler, undefined);
  assert.equal(nodeRuntime({ handler: async function* () { yield 1; } }).syncHandler, undefined);
  assert.equal(nodeRuntime({ default: { fetch: () => new Response('x') } }).syncHandler, undefined);
});

test('a sync handler\'s first request that goes async and then crashes fails alone, and later ones are tracked', async () => {
  const { inv, reports } = syncHandlerInvoker();
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    // Untracked when called: the one pending untracked request is the one blamed.
    const first = await fetch(addr + '/crash', { headers: { 'x-request-id': 'first-crash' } });
    assert.equal(first.status, 500);
    assert.equal(((await first.json()) as { requestId: string }).requestId, 'first-crash');
    // Tracked since: a crash while another request waits fails the crash alone.
    const [wait, crash] = await Promise.all([fetch(addr + '/wait'), fetch(addr + '/crash')]);
    assert.equal(crash.status, 500);
    assert.equal(wait.status, 200);
    assert.equal(await wait.text(), 'waited');
    assert.deepEqual(reports, [['crash', true], ['crash', true]]);
  } finally { await inv.drain(1000); }
});

test('a leftover timer of an answered sync request fails nothing, and switches tracking on', async () => {
  const { inv, reports } = syncHandlerInvoker();
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    assert.equal(await (await fetch(addr + '/plain')).text(), 'plain');
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(reports, [['plain', false]]);
    const [wait, crash] = await Promise.all([fetch(addr + '/wait'), fetch(addr + '/crash')]);
    assert.equal(crash.status, 500);
    assert.equal(wait.status, 200);
    assert.deepEqual(reports, [['plain', false], ['crash', true]]);
  } finally { await inv.drain(1000); }
});

test('a sync request whose answer is still being delivered is not a suspect: a crash of the async one still fails it at once', async () => {
  const { inv, reports, eventCalled } = syncHandlerInvoker();
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    const event = fetch(addr + '/event');
    await eventCalled;
    const t0 = Date.now();
    const crash = await fetch(addr + '/crash');
    assert.equal(crash.status, 500);
    assert.ok(Date.now() - t0 < 2000, 'answered at once, not at the 3 s deadline');
    const ev = await event;
    assert.equal(ev.status, 200);
    assert.equal(ev.headers.get('ce-id'), 'e-1');
    assert.deepEqual(reports, [['crash', true]]);
  } finally { await inv.drain(1000); }
});

test('a header HTTP cannot carry gets a 500 with the request id (it used to leave the request unanswered), and the answers around it still go out', async () => {
  const inv = createInvoker({
    runtime: nodeRuntime({ default: (req: { path: string }) => (req.path === '/bad' ? { statusCode: 200, headers: { 'x-bad': 'a\nb' }, body: 'never' } : 'fine') }),
    settings: settings(),
  });
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  try {
    // Made in the same turn of the event loop, written together at its end.
    const [before, bad, after] = await Promise.all(['/a', '/bad', '/b'].map((p) => fetch(addr + p, { headers: { 'x-request-id': `req${p.replace('/', '-')}` }, signal: AbortSignal.timeout(5000) })));
    assert.equal(bad.status, 500);
    assert.deepEqual(await bad.json(), { requestId: 'req-bad', error: 'Internal Server Error' });
    assert.equal(bad.headers.get('x-bad'), null);
    assert.equal(await before.text(), 'fine');
    assert.equal(await after.text(), 'fine');
  } finally { await inv.drain(1000); }
});
