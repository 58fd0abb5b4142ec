// isolation: inline (opt-in, concurrency 1 only): the one execution environment runs on the
// server's own thread and keeps Lambda's promises (runtimes/lambda/inline/host.ts). Every case
// goes through real HTTP to a real invoker process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, serveLambda } from './helpers.js';

const counter = async (url: string, path = '/?h=counter') => (await call(url, { path })).json() as { invocations: number; initAt: number };

test('inline: module state is kept between normal invocations, and the Lambda variables are the process\'s own', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', name: 'inline-env', config: { isolation: 'inline' } });
  try {
    assert.deepEqual([(await counter(s.url)).invocations, (await counter(s.url)).invocations, (await counter(s.url)).invocations], [1, 2, 3]);
    const env = (await call(s.url, { path: '/?h=env' })).json();
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'inline-env');
    assert.equal(env._HANDLER, 'index.route');
    assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    // one START/END/REPORT triple per invocation, console lines carry the request id
    const r = await call(s.url, { path: '/?h=log' });
    const id = r.text;
    await s.waitFor(new RegExp(`^REPORT RequestId: ${id}\\tDuration: `));
    assert.ok(s.lines.some((l) => l === `START RequestId: ${id} Version: $LATEST`));
    assert.ok(s.lines.some((l) => l.includes(`\t${id}\tWARN\twarn`)));
  } finally {
    await s.stop();
  }
});

test('inline: one invocation at a time under 20 concurrent requests', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', config: { isolation: 'inline' } });
  try {
    const bodies = (await Promise.all(Array.from({ length: 20 }, () => call(s.url, { path: '/?h=exclusive' })))).map((r) => r.json());
    assert.equal(bodies.length, 20);
    assert.ok(bodies.every((b) => b.overlapped === false), JSON.stringify(bodies));
    // and the invocations did run one after the other: 20 × 20 ms
    const starts = s.lines.filter((l) => l.startsWith('START RequestId:')).length;
    assert.equal(starts, 20);
  } finally {
    await s.stop();
  }
});

test('inline: a synchronous while(true) handler times out alone; the server keeps serving; the next request gets a fresh module', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1, config: { isolation: 'inline' } });
  try {
    const before = await counter(s.url);
    assert.equal((await counter(s.url)).invocations, 2);
    const t0 = Date.now();
    const r = await call(s.url, { path: '/?h=spin' });
    const ms = Date.now() - t0;
    assert.equal(r.status, 500);
    assert.equal(r.text, '{"message":"Internal Server Error"}');
    assert.ok(ms >= 900 && ms < 3000, `answered after ${ms} ms (1 s timeout, the watchdog's grace 0.5 s)`);
    await s.waitFor(/Task timed out after 1\.00 seconds/);
    assert.equal((await call(s.url, { path: '/health/liveness' })).status, 200);
    const after = await counter(s.url);
    assert.equal(after.invocations, 1, 'the module was evaluated again');
    assert.ok(after.initAt > before.initAt);
    assert.equal(s.proc.exitCode, null);
    // twice in a row: the watchdog re-arms
    assert.equal((await call(s.url, { path: '/?h=spin' })).status, 500);
    assert.equal((await counter(s.url)).invocations, 1);
  } finally {
    await s.stop();
  }
});

test('inline: an async handler that never resolves times out; requests queued behind it run on the fresh module', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1, config: { isolation: 'inline' } });
  try {
    assert.equal((await counter(s.url)).invocations, 1);
    const slow = call(s.url, { path: '/?h=sleep&ms=60000' });
    await new Promise((r) => setTimeout(r, 700));
    // arrives while the slow one runs; its own deadline still has ~1 s
    const queued = counter(s.url);
    assert.equal((await slow).status, 500);
    assert.equal((await queued).invocations, 1, 'ran on the fresh module, after the reset');
  } finally {
    await s.stop();
  }
});

test('inline: uncaught throw in a timer, unhandled rejection and process.exit(3) fail that invocation in Lambda\'s shape; the next gets a fresh module', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 3, config: { isolation: 'inline' } });
  try {
    const cases: Array<[string, RegExp]> = [
      ['uncaught', /^\S+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{"errorType":"RangeError","errorMessage":"thrown in a timer"/],
      ['unhandled', /^\S+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{"errorType":"Runtime\.UnhandledPromiseRejection","errorMessage":"Error: nobody catches me"/],
      ['processExit', /^\S+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{"errorType":"Runtime\.ExitError","errorMessage":"Runtime exited with error: exit status 3"\}$/],
    ];
    assert.equal((await counter(s.url)).invocations, 1);
    for (const [h, line] of cases) {
      assert.equal((await counter(s.url)).invocations, 2, `state kept before ${h}`);
      const r = await call(s.url, { path: `/?h=${h}` });
      assert.equal(r.status, 500, h);
      assert.equal(r.text, '{"message":"Internal Server Error"}');
      await s.waitFor(line);
      assert.equal((await counter(s.url)).invocations, 1, `fresh module after ${h}`);
    }
    assert.equal(s.proc.exitCode, null, 'the server is still running');
    // the invoker's own error handling saw none of them
    assert.ok(!s.output.some((l) => l.includes('uncaught exception') || l.includes('unhandled rejection')), s.output.join('\n'));
  } finally {
    await s.stop();
  }
});

test('inline ESM: after a timeout, a loop (also after an await) or process.exit the whole module graph is evaluated again (top-level await included)', async () => {
  const s = await serveLambda({ fixture: 'esm-reset', handler: 'index.handler', timeout: 1, config: { isolation: 'inline' } });
  try {
    const first = await counter(s.url, '/');
    assert.equal((await counter(s.url, '/')).invocations, 2);
    // spinAfterAwait: a loop in a promise continuation, stopped too (no promise hooks run: the
    // Lambda runtime attributes its own async errors, so the invoker keeps no AsyncLocalStorage)
    for (const h of ['sleep', 'spin', 'spinAfterAwait', 'exit']) {
      assert.equal((await call(s.url, { path: `/?h=${h}` })).status, 500, h);
      const next = await counter(s.url, '/');
      assert.equal(next.invocations, 1, `a fresh state.js after ${h}`);
      assert.ok(next.initAt > first.initAt);
      assert.equal((await counter(s.url, '/')).invocations, 2);
    }
  } finally {
    await s.stop();
  }
});

test('inline: process.exit between invocations is not the function\'s to intercept; the invoker\'s own shutdown still exits', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', config: { isolation: 'inline' } });
  try {
    assert.equal((await counter(s.url)).invocations, 1);
    s.proc.kill('SIGTERM');
    assert.equal(await s.exited, 0, 'drained and exited 0');
  } finally {
    await s.stop();
  }
});

test('inline: 200 queued handlers that answer synchronously (callback) all run, in order, one at a time', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', config: { isolation: 'inline' }, env: { AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING: '1' } });
  try {
    const replies = await Promise.all(Array.from({ length: 200 }, () => call(s.url, { path: '/?h=cbImmediate' })));
    assert.ok(replies.every((r) => r.status === 200 && r.text === 'cb'));
    const counts = await Promise.all(Array.from({ length: 20 }, () => counter(s.url)));
    assert.deepEqual(counts.map((c) => c.invocations).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  } finally {
    await s.stop();
  }
});

test('inline: process.exit during module init fails the invocation that triggered it with Runtime.ExitError; the server stays up', async () => {
  const s = await serveLambda({ fixture: 'init-exits', handler: 'index.handler', config: { isolation: 'inline' }, env: { EXIT_AT_INIT: '1' } });
  try {
    const r = await call(s.url);
    assert.equal(r.status, 500);
    await s.waitFor(/"errorType":"Runtime\.ExitError","errorMessage":"Runtime exited with error: exit status 2"/);
    assert.equal((await call(s.url, { path: '/health/liveness' })).status, 200);
    assert.equal(s.proc.exitCode, null);
  } finally {
    await s.stop();
  }
});

test('inline: a module that loops forever at init is stopped at the 10 s init limit; the server comes up and answers its health checks', async () => {
  const s = await serveLambda({ fixture: 'init-spins', handler: 'index.handler', config: { isolation: 'inline' }, env: { SPIN_AT_INIT: '1' } });
  try {
    await s.waitFor(/^INIT_REPORT Init Duration: 10000\.00 ms\tPhase: init\tStatus: timeout$/);
    assert.equal((await call(s.url, { path: '/health/liveness' })).status, 200);
    assert.equal(s.proc.exitCode, null);
  } finally {
    await s.stop();
  }
});
