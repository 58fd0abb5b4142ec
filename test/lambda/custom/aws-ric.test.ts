// AWS's own runtime interface client (aws-lambda-ric 3.3.0, the nodejs18-22 generation) runs as
// the bootstrap against fnkit's Runtime API, end to end over real HTTP: the contract test
// lambda.md §1.2 asks for. Callers use @aws-sdk/client-lambda with an endpoint override and
// plain RIE-style POSTs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createBootstrapInvoker } from '../../../runtimes/lambda/custom/bootstrap-invoker.js';
import { invokeApi, serveInvoker, type Served } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const taskRoot = join(here, 'fixtures', 'ric-js');
const logs: string[] = [];
const servers: Served[] = [];

async function start(handler: string, timeout = 3): Promise<Served> {
  const invoker = createBootstrapInvoker({ taskRoot, handler, name: 'ric-fn', timeout, memorySize: 256, env: {}, log: (l) => logs.push(l), initTimeoutMs: 15_000 });
  const s = await serveInvoker(invoker, { name: 'ric-fn', timeout, bodyLimit: 8 * 1024 * 1024 });
  servers.push(s);
  return s;
}

let main: Served;
let sdk: LambdaClient;
before(async () => {
  main = await start('index.handler');
  sdk = new LambdaClient({ endpoint: main.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
});
after(async () => {
  sdk?.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

const decode = (b: Uint8Array | undefined) => JSON.parse(Buffer.from(b ?? []).toString('utf8'));

test('RequestResponse through @aws-sdk/client-lambda: payload, context and $LATEST', async () => {
  const cc = Buffer.from(JSON.stringify({ custom: { tenant: 't1' }, client: { app_title: 'tests' } })).toString('base64');
  const out = await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: Buffer.from(JSON.stringify({ hello: 'sdk' })), ClientContext: cc }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, undefined);
  assert.equal(out.ExecutedVersion, '$LATEST');
  const body = decode(out.Payload);
  assert.deepEqual(body.event, { hello: 'sdk' });
  assert.equal(body.functionName, 'ric-fn');
  assert.equal(body.functionVersion, '$LATEST');
  assert.equal(body.memoryLimitInMB, '256');
  assert.match(body.invokedFunctionArn, /^arn:aws:lambda:[a-z0-9-]+:012345678912:function:ric-fn$/);
  assert.equal(body.logGroupName, '/aws/lambda/ric-fn');
  assert.ok(body.remaining > 0 && body.remaining <= 3000, `getRemainingTimeInMillis counts down from the 3 s timeout (not 1000x, not an absolute time): ${body.remaining}`);
  assert.deepEqual(body.clientContext?.Custom ?? body.clientContext?.custom, { tenant: 't1' });
  assert.ok(logs.some((l) => l.includes(`${body.awsRequestId}\tINFO`) || l.startsWith(`START RequestId: ${body.awsRequestId}`)));
});

test('a thrown error: FunctionError Unhandled with the RIC\'s error JSON; the process lives on', async () => {
  const out = await sdk.send(new InvokeCommand({ FunctionName: 'function', Payload: Buffer.from(JSON.stringify({ fail: 'boom' })) }));
  assert.equal(out.StatusCode, 200);
  assert.equal(out.FunctionError, 'Unhandled');
  const err = decode(out.Payload);
  assert.equal(err.errorType, 'TypeError');
  assert.equal(err.errorMessage, 'failing on purpose: boom');
  assert.ok(Array.isArray(err.trace) && err.trace[0].startsWith('TypeError: failing on purpose'));
  const again = decode((await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: Buffer.from('{}') }))).Payload);
  assert.ok(again.invocations >= 2, 'same process, module state kept');
});

test('Event (202, runs in the background) and DryRun (204, does not run)', async () => {
  const before = decode((await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: Buffer.from('{}') }))).Payload).invocations;
  const ev = await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', InvocationType: 'Event', Payload: Buffer.from('{"async":true}') }));
  assert.equal(ev.StatusCode, 202);
  const dry = await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', InvocationType: 'DryRun', Payload: Buffer.from('{}') }));
  assert.equal(dry.StatusCode, 204);
  // The Event invocation ran (one more), the DryRun did not.
  await new Promise((r) => setTimeout(r, 200));
  const afterCount = decode((await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: Buffer.from('{}') }))).Payload).invocations;
  assert.equal(afterCount, before + 2);
});

test('API errors map to the SDK\'s exceptions: unknown function, payload limits, bad JSON', async () => {
  await assert.rejects(sdk.send(new InvokeCommand({ FunctionName: 'other-fn', Payload: Buffer.from('{}') })), { name: 'ResourceNotFoundException' });
  await assert.rejects(sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Qualifier: '3', Payload: Buffer.from('{}') })), { name: 'ResourceNotFoundException' });
  const big = Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024)));
  await assert.rejects(sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: big })), { name: 'RequestEntityTooLargeException' });
  const asyncBig = Buffer.from(JSON.stringify('x'.repeat(1024 * 1024)));
  await assert.rejects(sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', InvocationType: 'Event', Payload: asyncBig })), { name: 'RequestEntityTooLargeException' });
  await assert.rejects(sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: Buffer.from('{not json') })), { name: 'InvalidRequestContentException' });
  // A 1 MB async payload under the 6 MB sync limit is fine synchronously.
  const ok = await sdk.send(new InvokeCommand({ FunctionName: 'ric-fn', Payload: asyncBig }));
  assert.equal(ok.StatusCode, 200);
});

test('RIE-style plain POSTs: /functions/function/invocations, empty body is {}, ARN names work', async () => {
  const r = await invokeApi(main.url, '', {});
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.event, {});
  const arn = await invokeApi(main.url, { a: 1 }, { 'x-amz-invocation-type': 'RequestResponse' }, 'arn:aws:lambda:us-east-1:012345678912:function:ric-fn');
  assert.equal(arn.status, 200);
  assert.deepEqual(arn.json.event, { a: 1 });
  const badType = await invokeApi(main.url, {}, { 'x-amz-invocation-type': 'Sometimes' });
  assert.equal(badType.status, 400);
  assert.equal(badType.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
  const badCc = await invokeApi(main.url, {}, { 'x-amz-client-context': 'not base64 json!' });
  assert.equal(badCc.status, 400);
  const trace = await invokeApi(main.url, {}, { 'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' });
  assert.equal(trace.json.traceEnv, 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', 'the RIC sets _X_AMZN_TRACE_ID from Lambda-Runtime-Trace-Id');
});

test('a callback handler (nested export) waits for the empty event loop, as RIC 3.x does', async () => {
  const s = await start('index.nested.callback');
  const r = await invokeApi(s.url, { via: 'callback' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.style, 'callback');
  assert.deepEqual(r.json.event, { via: 'callback' });
  assert.equal(r.json.lateTimerRanBeforeReply, true);
});

test('awslambda.streamifyResponse through the RIC streams status, headers and body (RIE#175 and KLR cannot stream)', async () => {
  const s = await start('index.stream');
  const res = await fetch(`${s.url}/stream`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 207);
  assert.equal(res.headers.get('x-from'), 'ric');
  assert.equal(await res.text(), 'streamed by aws-lambda-ric');
});

test('a timeout under the RIC: Sandbox.Timedout, then a fresh process (module state reset)', async () => {
  const s = await start('index.handler', 1);
  const first = await invokeApi(s.url, {});
  assert.equal(first.json.invocations, 1, first.text);
  const t = await invokeApi(s.url, { sleep: 3000 });
  assert.equal(t.headers.get('x-amz-function-error'), 'Unhandled');
  assert.equal(t.json.errorType, 'Sandbox.Timedout');
  assert.match(t.json.errorMessage, /Task timed out after 1\.00 seconds/);
  const next = await invokeApi(s.url, {});
  assert.equal(next.status, 200);
  assert.equal(next.json.invocations, 1, next.text);
});

test('the RIC\'s own init errors reach fnkit through /init/error (ImportModuleError, HandlerNotFound)', async () => {
  for (const [handler, type] of [['missing.handler', 'Runtime.ImportModuleError'], ['index.nope', 'Runtime.HandlerNotFound']] as const) {
    const invoker = createBootstrapInvoker({ taskRoot, handler, name: 'ric-fn', timeout: 3, memorySize: 256, env: {}, log: () => {}, initTimeoutMs: 15_000 });
    await assert.rejects(invoker.init(), (err: unknown) => {
      const e = err as { code?: string; data?: { lambdaError?: { errorType: string } } };
      assert.equal(e.code, 'FN_ERR_LAMBDA_INIT');
      assert.equal(e.data?.lambdaError?.errorType, type);
      return true;
    });
    await invoker.shutdown();
  }
});

test('odd function names in the path are a 404, never a crash', async () => {
  const malformed = await fetch(`${main.url}/2015-03-31/functions/%E0%A4%A/invocations`, { method: 'POST', body: '{}' });
  assert.equal(malformed.status, 400, 'bad percent-encoding is refused by the router');
  for (const name of ['a%2Fb', 'a%25zz', 'ric-fn:2', 'arn:aws:lambda:us-east-1:1:function:ric-fn:prod']) {
    const r = await fetch(`${main.url}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: '{}' });
    assert.equal(r.status, 404, name);
    assert.equal(r.headers.get('x-amzn-errortype'), 'ResourceNotFoundException', name);
  }
});

async function streamed(client: LambdaClient, fn: string, payload: unknown) {
  const out = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify(payload)) }));
  const chunks: Buffer[] = [];
  let complete: { ErrorCode?: string; ErrorDetails?: string } | undefined;
  for await (const ev of out.EventStream!) {
    if (ev.PayloadChunk?.Payload) chunks.push(Buffer.from(ev.PayloadChunk.Payload));
    if (ev.InvokeComplete) complete = ev.InvokeComplete;
  }
  return { out, chunks, complete };
}

test('InvokeWithResponseStream through the SDK: buffered result, streamed bytes with the prelude, errors in InvokeComplete', async () => {
  const ok = await streamed(sdk, 'ric-fn', { via: 'stream-api' });
  assert.equal(ok.out.StatusCode, 200);
  assert.equal(ok.out.ExecutedVersion, '$LATEST');
  assert.deepEqual(JSON.parse(Buffer.concat(ok.chunks).toString()).event, { via: 'stream-api' });
  assert.deepEqual(ok.complete, {});

  const failed = await streamed(sdk, 'ric-fn', { fail: 'in-stream' });
  assert.equal(failed.chunks.length, 0);
  assert.equal(failed.complete?.ErrorCode, 'TypeError');
  assert.equal(failed.complete?.ErrorDetails, 'failing on purpose: in-stream');

  const s = await start('index.stream');
  const client = new LambdaClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  try {
    const st = await streamed(client, 'function', {});
    const bytes = Buffer.concat(st.chunks);
    const sep = bytes.indexOf(Buffer.alloc(8));
    assert.ok(sep > 0, 'the HTTP prelude is kept in the raw stream');
    assert.deepEqual(JSON.parse(bytes.subarray(0, sep).toString()), { statusCode: 207, headers: { 'content-type': 'text/plain', 'x-from': 'ric' }, cookies: ['s=1'] });
    assert.equal(bytes.subarray(sep + 8).toString(), 'streamed by aws-lambda-ric');
    assert.ok(st.chunks.length >= 2, `several PayloadChunk events (${st.chunks.length})`);
    assert.deepEqual(st.complete, {});
  } finally {
    client.destroy();
  }
  await assert.rejects(sdk.send(new InvokeWithResponseStreamCommand({ FunctionName: 'nope', Payload: Buffer.from('{}') })), { name: 'ResourceNotFoundException' });
});
