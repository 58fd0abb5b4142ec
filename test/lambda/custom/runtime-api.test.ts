// The Runtime API server alone, driven over real loopback HTTP as a runtime would drive it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeApiServer, type RuntimeReport } from '../../../runtimes/lambda/custom/runtime-api.js';

async function server(limit?: number) {
  const reports: RuntimeReport[] = [];
  let ready = 0;
  const api = new RuntimeApiServer({ onReady: () => ready++, onReport: (r) => reports.push(r), maxResponseBytes: limit });
  const base = `http://${await api.listen()}/2018-06-01`;
  return { api, base, reports, ready: () => ready };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached within 3 s');
}

const inv = (id: string, extra = {}) => ({ requestId: id, body: Buffer.from('{"k":1}'), deadline: 1_900_000_000_000, functionArn: 'arn:aws:lambda:us-east-1:012345678912:function:f', ...extra });

test('/next long-polls until an event is offered, with every header; init ends at the first /next', async () => {
  const { api, base, reports, ready } = await server();
  try {
    assert.match(api.runtimeApi, /^127\.0\.0\.1:\d+$/);
    const pending = fetch(`${base}/runtime/invocation/next`);
    await until(() => api.isWaiting);
    assert.equal(ready(), 1);
    assert.equal(api.isInitialized, true);
    api.offer(inv('id-1', { traceId: 'Root=1-a-b', clientContext: '{"custom":{}}', identity: '{"cognitoIdentityId":"c","cognitoIdentityPoolId":"p"}' }));
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('lambda-runtime-aws-request-id'), 'id-1');
    assert.equal(res.headers.get('lambda-runtime-deadline-ms'), '1900000000000');
    assert.equal(res.headers.get('lambda-runtime-invoked-function-arn'), 'arn:aws:lambda:us-east-1:012345678912:function:f');
    assert.equal(res.headers.get('lambda-runtime-trace-id'), 'Root=1-a-b');
    assert.equal(res.headers.get('lambda-runtime-client-context'), '{"custom":{}}');
    assert.equal(res.headers.get('lambda-runtime-cognito-identity'), '{"cognitoIdentityId":"c","cognitoIdentityPoolId":"p"}');
    assert.deepEqual(await res.json(), { k: 1 });
    const ok = await fetch(`${base}/runtime/invocation/id-1/response`, { method: 'POST', body: '{"answer":42}', headers: { 'content-type': 'application/json' } });
    assert.equal(ok.status, 202);
    assert.deepEqual(await ok.json(), { status: 'OK' });
    assert.equal(reports.length, 1);
    const r = reports[0]!;
    assert.ok(r.kind === 'response' && r.body.toString() === '{"answer":42}' && r.contentType === 'application/json');
  } finally {
    await api.close();
  }
});

test('an event offered before /next is delivered on the next /next; errors use the header when the body has no type', async () => {
  const { api, base, reports } = await server();
  try {
    await fetch(`${base}/ping`).then(async (r) => assert.equal(await r.text(), 'pong'));
    api.offer(inv('id-2'));
    const res = await fetch(`${base}/runtime/invocation/next`);
    assert.equal(res.headers.get('lambda-runtime-aws-request-id'), 'id-2');
    assert.equal(res.headers.get('lambda-runtime-trace-id'), null, 'optional headers omitted when empty');
    await res.text();
    const e = await fetch(`${base}/runtime/invocation/id-2/error`, {
      method: 'POST',
      body: '{"errorMessage":"bad","stackTrace":["x"]}',
      headers: { 'lambda-runtime-function-error-type': 'Function.Bad', 'content-type': 'application/vnd.aws.lambda.error.cause+json' },
    });
    assert.equal(e.status, 202);
    assert.deepEqual(reports[0], { kind: 'error', requestId: 'id-2', error: { errorType: 'Function.Bad', errorMessage: 'bad', trace: ['x'] } });
    assert.equal((await fetch(`${base}/runtime/invocation/id-2/error`, { method: 'POST', body: '{}' })).status, 400, 'already answered');
  } finally {
    await api.close();
  }
});

test('wrong routes and methods, a 413 with the limit, and 500 to a waiting /next on shutdown', async () => {
  const { api, base, reports } = await server(1000);
  try {
    const nf = await fetch(`${base}/runtime/nothing`);
    assert.equal(nf.status, 404);
    assert.equal((await fetch(`${base}/runtime/invocation/next`, { method: 'POST', body: '' })).status, 405);
    assert.equal((await fetch(`${base}/runtime/invocation/x/response`)).status, 405);
    api.offer(inv('id-3'));
    await (await fetch(`${base}/runtime/invocation/next`)).text();
    const big = await fetch(`${base}/runtime/invocation/id-3/response`, { method: 'POST', body: 'y'.repeat(1001) });
    assert.equal(big.status, 413);
    assert.deepEqual(await big.json(), { errorMessage: 'Exceeded maximum allowed payload size (1000 bytes).', errorType: 'RequestEntityTooLarge' });
    assert.equal(reports[0]!.kind === 'error' && reports[0]!.error.errorType, 'Function.ResponseSizeTooLarge');
    const waiting = fetch(`${base}/runtime/invocation/next`);
    await until(() => api.isWaiting);
    await api.close();
    const res = await waiting;
    assert.equal(res.status, 500);
    assert.equal((await res.json()).errorType, 'Runtime.ContainerError');
  } finally {
    await api.close().catch(() => {});
  }
});
