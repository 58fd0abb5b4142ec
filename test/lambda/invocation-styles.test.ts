// Every invocation style of the nodejs20.x/22.x runtime (specs/lambda.md §3.2), through real
// HTTP: promise, callback with and without waiting for the event loop, context.done/succeed/
// fail, first completion wins, a sync handler that never calls back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ISOLATION, call, serveLambda, type LambdaServer } from './helpers.js';

let s: LambdaServer;
before(async () => {
  s = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 5 });
});
after(() => s.stop());

async function timed(h: string) {
  const t0 = Date.now();
  const r = await call(s.url, { path: `/?h=${h}` });
  return { r, ms: Date.now() - t0 };
}

async function invokeError(message: string | RegExp): Promise<Record<string, unknown>> {
  const re = typeof message === 'string' ? new RegExp(`"errorMessage":"${message}"`) : message;
  const line = await s.waitFor(re);
  assert.match(line, /^\S+Z\t[0-9a-f-]{36}\tERROR\tInvoke Error \t\{/);
  return JSON.parse(line.split('Invoke Error \t')[1]!);
}

test('a returned promise completes at once, async or not', async () => {
  assert.equal((await timed('promiseNotAsync')).r.text, 'thenable');
  assert.equal((await timed('echo')).r.status, 200);
});

test('callback(null, x) waits for the event loop to drain by default', async () => {
  const { r, ms } = await timed('cbWaits');
  assert.equal(r.text, 'waited');
  assert.ok(ms >= 280, `answered after ${ms} ms, before the 300 ms timer ran`);
});

test('callbackWaitsForEmptyEventLoop = false answers at once (serverless-offline ignores it)', async () => {
  const { r, ms } = await timed('cbNoWait');
  assert.equal(r.text, 'nowait');
  assert.ok(ms < 800, `took ${ms} ms: it waited for the pending 1000 ms timer`);
});

test('context.succeed/done complete at once, even with timers pending', async () => {
  const a = await timed('succeed');
  assert.equal(a.r.text, 'succeeded');
  assert.ok(a.ms < 1500, `succeed waited ${a.ms} ms for a 2 s timer`);
  assert.equal((await timed('done')).r.text, 'done');
});

test('the first completion wins, even a deferred callback', async () => {
  assert.equal((await timed('cbFirstWins')).r.text, 'first');
  const d = await timed('deferredThenSucceed');
  assert.equal(d.r.text, 'deferred');
  assert.ok(d.ms >= 180, 'the deferred callback still waited for the loop');
});

if (ISOLATION === 'worker') {
  test('a sync handler that never calls back succeeds with null when the loop drains', async () => {
    const { r, ms } = await timed('syncNoCallback');
    assert.equal(r.status, 200);
    assert.equal(r.text, 'null');
    assert.ok(ms >= 45, 'it waited for the handler\'s 50 ms timer');
  });
} else {
  // The server's loop never drains; pending work on a connection opened before the invocation
  // would be invisible, so an early null could answer before the handler does (inline/drain.ts).
  test('inline: a sync handler that never calls back ends at its timeout, and the next request is served', async () => {
    const s2 = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1 });
    try {
      const t0 = Date.now();
      const r = await call(s2.url, { path: '/?h=syncNoCallback' });
      assert.equal(r.status, 500);
      assert.ok(Date.now() - t0 >= 900, 'answered at the timeout');
      await s2.waitFor(/Task timed out after 1\.00 seconds/);
      assert.equal((await call(s2.url, { path: '/?h=counter' })).json().invocations, 1);
    } finally {
      await s2.stop();
    }
  });
}

test('errors by callback, context.fail, context.done, throw: 500 to the client, details to the log', async () => {
  const cases: Array<[string, string, string]> = [
    ['cbError', 'Error', 'callback error'],
    ['fail', 'Error', 'failed'],
    ['throwSync', 'TypeError', 'sync throw'],
    ['throwString', 'string', 'boom'],
    ['doneError', 'string', 'done-error'],
    ['throwError', 'ValidationError', 'secret detail: db password is hunter2'],
  ];
  for (const [h, type, message] of cases) {
    const { r } = await timed(h);
    assert.equal(r.status, 500, h);
    assert.equal(r.text, '{"message":"Internal Server Error"}', `${h}: error details must not reach the client`);
    const e = await invokeError(message);
    assert.equal(e.errorType, type, h);
    assert.ok(Array.isArray(e.trace), h);
    if (type === 'string') assert.deepEqual(e.trace, []);
    else assert.match(String((e.trace as string[])[0]), new RegExp(`^${type}: `));
  }
});

test('context.fail() with no argument reports {"errorType":"string","errorMessage":"handled"}', async () => {
  const { r } = await timed('failNoArg');
  assert.equal(r.status, 500);
  const e = await invokeError('handled');
  assert.deepEqual(e, { errorType: 'string', errorMessage: 'handled', trace: [] });
});

test('results that cannot be serialised fail the invocation', async () => {
  for (const h of ['circular', 'bigint']) {
    const { r } = await timed(h);
    assert.equal(r.status, 500, h);
  }
  const e = await invokeError('Unable to stringify response body');
  assert.equal(e.errorType, 'Runtime.JSONStringifyError');
});

if (ISOLATION === 'worker') test('an async handler whose promise never settles fails with Runtime.NodeJsExit when the loop drains', async () => {
  const s2 = await serveLambda({ fixture: 'basic', handler: 'index.asyncNeverSettles', timeout: 5 });
  try {
    const t0 = Date.now();
    const r = await call(s2.url);
    assert.equal(r.status, 500);
    assert.ok(Date.now() - t0 < 4000, 'failed at drain time, not at the timeout');
    const line = await s2.waitFor(/Runtime\.NodeJsExit/);
    assert.match(line, /Promise that was never settled/);
  } finally {
    await s2.stop();
  }
});
else {
  test('inline: an async handler whose promise never settles ends at its timeout; the next gets a fresh module', async () => {
    const s2 = await serveLambda({ fixture: 'basic', handler: 'index.route', timeout: 1 });
    try {
      assert.equal((await call(s2.url, { path: '/?h=counter' })).json().invocations, 1);
      assert.equal((await call(s2.url, { path: '/?h=counter' })).json().invocations, 2);
      const t0 = Date.now();
      const r = await call(s2.url, { path: '/?h=asyncNeverSettles' });
      assert.equal(r.status, 500);
      assert.ok(Date.now() - t0 >= 900, 'answered at the timeout');
      await s2.waitFor(/Task timed out after 1\.00 seconds/);
      assert.equal((await call(s2.url, { path: '/?h=counter' })).json().invocations, 1, 'module state started over');
    } finally {
      await s2.stop();
    }
  });
}
