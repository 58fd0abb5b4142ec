// One invocation at a time per execution environment, a pool of `concurrency` environments,
// and failures that stay contained (issue 3 "isolation"; specs/lambda.md §3.2, §3.5, §3.13).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ISOLATION, call, serveLambda } from './helpers.js';

test('concurrency 1: concurrent HTTP requests never overlap inside the function', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route' });
  try {
    const replies = await Promise.all(Array.from({ length: 12 }, () => call(s.url, { path: '/?h=exclusive' })));
    const bodies = replies.map((r) => r.json());
    assert.ok(bodies.every((b) => b.overlapped === false), JSON.stringify(bodies));
    assert.equal(new Set(bodies.map((b) => b.stream)).size, 1, 'one environment');
    // /tmp is per environment and never written by two invocations at once
    const tmp = await Promise.all(Array.from({ length: 6 }, () => call(s.url, { path: '/?h=tmpfile' })));
    assert.ok(tmp.every((r) => r.json().same === true));
  } finally {
    await s.stop();
  }
});

// inline is one environment by definition (concurrency above 1 is refused: runtimes/lambda/settings.test.ts)
if (ISOLATION === 'worker') test('concurrency 3: up to 3 environments, each still one invocation at a time', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', config: { concurrency: 3 } });
  try {
    const replies = await Promise.all(Array.from({ length: 12 }, () => call(s.url, { path: '/?h=exclusive' })));
    const bodies = replies.map((r) => r.json());
    assert.ok(bodies.every((b) => b.overlapped === false), JSON.stringify(bodies));
    const streams = new Set(bodies.map((b) => b.stream));
    assert.ok(streams.size >= 2 && streams.size <= 3, `${streams.size} environments used`);
  } finally {
    await s.stop();
  }
});

test('a timed-out invocation fails alone with "Task timed out", and the next gets a fresh environment', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1 });
  try {
    const c1 = (await call(s.url, { path: '/?h=counter' })).json();
    assert.equal((await call(s.url, { path: '/?h=counter' })).json().invocations, 2);
    const t0 = Date.now();
    const slow = await call(s.url, { path: '/?h=sleep&ms=5000' });
    const ms = Date.now() - t0;
    assert.equal(slow.status, 500, 'HTTP API answers a function failure with 500');
    assert.equal(slow.text, '{"message":"Internal Server Error"}');
    assert.ok(ms >= 850 && ms < 4000, `timed out after ${ms} ms with a 1 s timeout`);
    const line = await s.waitFor(/Task timed out after 1\.00 seconds/);
    assert.match(line, /^\S+Z [0-9a-f-]{36} Task timed out after 1\.00 seconds$/);
    const c2 = (await call(s.url, { path: '/?h=counter' })).json();
    assert.equal(c2.invocations, 1, 'module state was reset: a new environment');
    assert.ok(c2.initAt > c1.initAt, 'the module was initialised again');
  } finally {
    await s.stop();
  }
});

test('a busy loop is stopped by the timeout too', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1 });
  try {
    const r = await call(s.url, { path: '/?h=spin' });
    assert.equal(r.status, 500);
    assert.equal((await call(s.url, { path: '/?h=counter' })).json().invocations, 1);
  } finally {
    await s.stop();
  }
});

test('crashes (process.exit, uncaught exception, unhandled rejection) fail alone; the server stays up', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 3 });
  try {
    const cases: Array<[string, RegExp]> = [
      ['processExit', /"errorType":"Runtime\.ExitError","errorMessage":"Runtime exited with error: exit status 3"/],
      ['uncaught', /"errorType":"RangeError","errorMessage":"thrown in a timer"/],
      ['unhandled', /"errorType":"Runtime\.UnhandledPromiseRejection","errorMessage":"Error: nobody catches me"/],
    ];
    for (const [h, log] of cases) {
      assert.equal((await call(s.url, { path: '/?h=counter' })).json().invocations, 1, `fresh environment before ${h}`);
      const r = await call(s.url, { path: `/?h=${h}` });
      assert.equal(r.status, 500, h);
      assert.equal(r.text, '{"message":"Internal Server Error"}');
      await s.waitFor(log);
      assert.equal((await call(s.url, { path: '/health/liveness' })).status, 200);
    }
    assert.equal((await call(s.url, { path: '/?h=counter' })).json().invocations, 1);
    assert.equal(s.proc.exitCode, null, 'the invoker process is still running');
  } finally {
    await s.stop();
  }
});

test('6 MB payload limits: a larger result fails, a larger request is 413', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', bodyLimit: 8 * 1024 * 1024, config: { frontDoor: 'http-api' } });
  try {
    const big = await call(s.url, { path: '/?h=bigResponse' });
    assert.equal(big.status, 500);
    await s.waitFor(/"errorType":"Function\.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size \(6291556 bytes\)\."/);
    const body = 'x'.repeat(6 * 1024 * 1024);
    const r = await call(s.url, { method: 'POST', path: '/?h=echo', headers: { 'content-type': 'text/plain' }, body });
    assert.equal(r.status, 413);
    assert.deepEqual(r.json(), { message: 'Request Entity Too Large' });
    // just under the limit still runs
    const ok = await call(s.url, { method: 'POST', path: '/?h=counter', headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(5 * 1024 * 1024) });
    assert.equal(ok.status, 200);
  } finally {
    await s.stop();
  }
});

test('requests queued behind a crash run on the fresh environment, one at a time', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 3 });
  try {
    const crash = call(s.url, { path: '/?h=uncaught' });
    await new Promise((r) => setTimeout(r, 20));
    const after = await Promise.all([call(s.url, { path: '/?h=counter' }), call(s.url, { path: '/?h=counter' })]);
    assert.equal((await crash).status, 500);
    const counts = after.map((r) => r.json().invocations).sort();
    assert.deepEqual(counts, [1, 2], 'both ran, in one fresh environment, one after the other');
  } finally {
    await s.stop();
  }
});

test('requests waiting behind a timed-out one time out at their own deadline without running', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1 });
  try {
    // 10 requests: some wait inside the worker (sent ahead), the rest in the pool's queue
    const t0 = Date.now();
    const replies = await Promise.all(Array.from({ length: 10 }, () => call(s.url, { path: '/?h=sleep&ms=5000' })));
    assert.deepEqual(replies.map((r) => r.status), Array(10).fill(500));
    assert.ok(Date.now() - t0 < 4000, 'every one answered at its own deadline, not one after another');
    await s.waitFor(/Task timed out after 1\.00 seconds/);
    // The first one started. One that arrived a little later may start too, on the fresh
    // environment, if that is ready before its own deadline (inline re-initialises in a few ms):
    // then it times out as well. None waited past its deadline to run, none ran to the end.
    const started = s.lines.filter((l) => l.startsWith('START RequestId:')).map((l) => l.split(' ')[2]);
    assert.ok(started.length >= 1 && started.length < 10, `${started.length} started`);
    for (const id of started) await s.waitFor(new RegExp(`${id} Task timed out after 1\\.00 seconds`));
    assert.ok(!s.lines.some((l) => l.startsWith('END RequestId:')), 'none ran to completion');
    assert.equal((await call(s.url, { path: '/?h=counter' })).json().invocations, 1);
  } finally {
    await s.stop();
  }
});

// Inline has no heap of its own to cap: memorySize is the container's limit there (docs/lambda.md).
if (ISOLATION === 'worker') test('an environment that runs out of its memorySize fails alone with Runtime.OutOfMemory', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 20, config: { memorySize: 128 } });
  try {
    const r = await call(s.url, { path: '/?h=oom' });
    assert.equal(r.status, 500);
    await s.waitFor(/"errorType":"Runtime\.OutOfMemory","errorMessage":"Runtime exited with error: out of memory \(memorySize 128 MB\)"/, 15000);
    assert.equal((await call(s.url, { path: '/?h=counter' })).json().invocations, 1);
  } finally {
    await s.stop();
  }
});

test('an exception thrown between invocations ends that environment; the next request is served by a fresh one', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 3 });
  try {
    assert.equal((await call(s.url, { path: '/?h=lateThrow' })).text, 'answered');
    await s.waitFor(/Uncaught Exception \t\{"errorType":"Error","errorMessage":"thrown after the response"/);
    const r = await call(s.url, { path: '/?h=counter' });
    assert.equal(r.status, 200);
    assert.equal(r.json().invocations, 1);
  } finally {
    await s.stop();
  }
});

test('an environment that keeps dying while idle is not re-initialised in a loop; requests still get served', async () => {
  const s = await serveLambda({ fixture: 'idle-crash', handler: 'index.handler' });
  try {
    await s.waitFor(/dies while idle/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(s.lines.filter((l) => l.includes('dies while idle')).length, 1, 'no background re-init loop');
    const r = await call(s.url);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'served');
  } finally {
    await s.stop();
  }
});
