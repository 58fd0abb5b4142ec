import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpInvokeRequest, isUuidShaped } from './dispatch.js';
import type { InvocationContext, RuntimeResponse, RuntimeResult } from '../types.js';
import type { InvokeOutcome } from './types.js';

test("a client's request id is kept as the Lambda request id only when it is UUID-shaped", () => {
  assert.equal(isUuidShaped('1b4e28ba-2fa1-11d2-883f-000000000001'), true);
  assert.equal(isUuidShaped('C6AF9AC6-7B61-11E6-9A41-93E8DEADBEEF'), true);
  assert.equal(isUuidShaped('1b4e28ba-2fa1-11d2-883f-00000000000g'), false);
  assert.equal(isUuidShaped('1b4e28ba-2fa1-11d2-883f-0000000000001'), false);
  assert.equal(isUuidShaped('my-request-42'), false);
  assert.equal(isUuidShaped(''), false);
});


const ctx = { requestId: 'r', signal: new AbortController().signal, deadline: 0 } as unknown as InvocationContext;
const OK: InvokeOutcome = { ok: true, result: 'x' };
const answerOf = (outcome: InvokeOutcome): RuntimeResponse => ({ kind: 'response', status: outcome.ok ? 200 : 502, headers: {}, body: JSON.stringify(outcome) });
const request = (answer = answerOf) => new HttpInvokeRequest({}, 'r', 0, undefined, undefined, ctx, true, answer);

test('an HTTP invocation hands its answer to the consumer the moment the outcome arrives, whichever comes first', async () => {
  // consumer first: called synchronously inside receive(), no microtask
  const a = request();
  const got: RuntimeResult[] = [];
  a.then((r) => got.push(r), () => assert.fail('no error expected'));
  a.receive(OK);
  assert.equal(got.length, 1);
  assert.equal((got[0] as RuntimeResponse).status, 200);
  // outcome first: the consumer attached later gets it at once
  const b = request();
  b.receive({ ok: false, kind: 'handled', error: { errorType: 'E', errorMessage: 'm' } });
  let late: RuntimeResult | undefined;
  b.then((r) => (late = r), () => assert.fail('no error expected'));
  assert.equal((late as RuntimeResponse).status, 502);
  // awaited like a promise
  const c = request();
  setImmediate(() => c.receive(OK));
  assert.equal(((await c) as RuntimeResponse).status, 200);
  // two consumers both get it
  const d = request();
  const both: number[] = [];
  d.then((r) => both.push((r as RuntimeResponse).status), () => undefined);
  d.then((r) => both.push((r as RuntimeResponse).status + 1), () => undefined);
  d.receive(OK);
  assert.deepEqual(both, [200, 201]);
});

test("an HTTP invocation whose answer cannot be mapped fails to its consumer; a consumer's own throw never reaches the pool", async () => {
  const boom = new Error('mapping failed');
  const a = request(() => {
    throw boom;
  });
  let failed: unknown;
  a.then(() => assert.fail('no answer expected'), (e) => (failed = e));
  a.receive(OK);
  assert.equal(failed, boom);
  await assert.rejects(async () => {
    const b = request(() => {
      throw boom;
    });
    b.receive(OK);
    await b;
  }, /mapping failed/);
  // A consumer that throws: receive() returns normally (the pool's bookkeeping goes on), and the
  // error surfaces as an unhandled rejection, as it would from a promise's reaction.
  const seen: unknown[] = [];
  const onRejection = (e: unknown) => seen.push(e);
  const listeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', onRejection);
  try {
    const c = request();
    const oops = new Error('consumer threw');
    c.then(() => {
      throw oops;
    }, () => undefined);
    assert.doesNotThrow(() => c.receive(OK));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, [oops]);
  } finally {
    process.off('unhandledRejection', onRejection);
    for (const l of listeners) process.on('unhandledRejection', l as (...a: unknown[]) => void);
  }
});
