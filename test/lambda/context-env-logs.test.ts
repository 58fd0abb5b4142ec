// The context object, the environment and the log format (specs/lambda.md §3.3, §3.4, §3.12),
// through real HTTP against a real invoker process.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, serveLambda, type LambdaServer } from './helpers.js';

let s: LambdaServer;
before(async () => {
  s = await serveLambda({
    fixture: 'basic',
    handler: 'index.route',
    name: 'orders-api',
    timeout: 4,
    config: { memorySize: 256, region: 'eu-west-1' },
    env: { USER_VAR: 'from fn.yaml', AWS_LAMBDA_FUNCTION_NAME: 'spoofed' },
  });
});
after(() => s.stop());

test('the full context object', async () => {
  const r = await call(s.url, { path: '/?h=echo' });
  const { context } = r.json();
  assert.equal(context.functionName, 'orders-api');
  assert.equal(context.functionVersion, '$LATEST');
  assert.equal(context.invokedFunctionArn, 'arn:aws:lambda:eu-west-1:000000000000:function:orders-api');
  assert.equal(context.memoryLimitInMB, '256', 'a string, as on AWS');
  assert.match(context.awsRequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(context.logGroupName, '/aws/lambda/orders-api');
  assert.match(context.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(context.identity, undefined);
  assert.equal(context.clientContext, undefined);
  assert.equal(context.callbackWaitsForEmptyEventLoop, true);
  assert.equal(context.hasDone, 'function');
});

test("awsRequestId: the invoker's own id, a client's UUID-shaped x-request-id as given, any other a fresh UUID", async () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const own = (await call(s.url, { path: '/?h=echo' })).json().context.awsRequestId;
  assert.match(own, uuid);
  const given = '0b9a4c1e-5d2f-4a8b-9c3d-112233445566';
  assert.equal((await call(s.url, { path: '/?h=echo', headers: { 'x-request-id': given } })).json().context.awsRequestId, given);
  const other = (await call(s.url, { path: '/?h=echo', headers: { 'x-request-id': 'my-request-42' } })).json().context.awsRequestId;
  assert.match(other, uuid);
  // The function's log names the same id as the handler saw.
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(s.lines.some((l) => l.startsWith(`START RequestId: ${own} `)), 'START line with the invoker-made id');
  assert.ok(s.lines.some((l) => l.startsWith(`START RequestId: ${other} `)), 'START line with the fresh id');
});

test('getRemainingTimeInMillis counts down from the configured timeout (peers: 1000x, fixed, growing, negative, absolute)', async () => {
  const a = (await call(s.url, { path: '/?h=echo' })).json().context.remaining;
  assert.ok(a > 3000 && a <= 4000, `remaining ${a} ms at the start of a 4 s invocation`);
  const rs: number[] = [];
  for (let i = 0; i < 3; i++) rs.push((await call(s.url, { path: '/?h=echo' })).json().context.remaining);
  for (const r of rs) assert.ok(r > 3000 && r <= 4000, `remaining ${r}`);
});

test('the standard environment variables; reserved ones cannot be overridden', async () => {
  const env = (await call(s.url, { path: '/?h=env' })).json();
  assert.equal(env._HANDLER, 'index.route');
  assert.match(env.LAMBDA_TASK_ROOT, /test\/lambda\/fixtures\/basic$/);
  assert.equal(env.AWS_REGION, 'eu-west-1');
  assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
  assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'orders-api');
  assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
  assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
  assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/orders-api');
  assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs22.x');
  assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
  assert.equal(env.TZ, ':UTC');
  assert.equal(env.LANG, 'en_US.UTF-8');
  assert.equal(env.USER_VAR, 'from fn.yaml');
  assert.ok(env.LAMBDA_RUNTIME_DIR);
  assert.equal(env._X_AMZN_TRACE_ID, null);
});

test('_X_AMZN_TRACE_ID is set per invocation from X-Amzn-Trace-Id and removed when absent', async () => {
  const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  const a = (await call(s.url, { path: '/?h=env', headers: { 'x-amzn-trace-id': trace } })).json();
  assert.equal(a._X_AMZN_TRACE_ID, trace);
  const b = (await call(s.url, { path: '/?h=env' })).json();
  assert.equal(b._X_AMZN_TRACE_ID, null);
});

test('log lines: time, request id, level, message; newlines become \\r; START/END/REPORT', async () => {
  const r = await call(s.url, { path: '/?h=log' });
  const rid = r.text;
  const report = await s.waitFor(new RegExp(`^REPORT RequestId: ${rid}\\t`));
  assert.match(report, /\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\t$/);
  const mine = s.lines.filter((l) => l.includes(rid));
  const first = mine.findIndex((l) => l === `START RequestId: ${rid} Version: $LATEST`);
  assert.ok(first >= 0, 'START line');
  const body = mine.slice(first + 1).filter((l) => /^\S+Z\t/.test(l)).map((l) => l.split('\t'));
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
  for (const parts of body) {
    assert.match(parts[0]!, iso);
    assert.equal(parts[1], rid);
  }
  const byLevel = body.map((p) => [p[2], p.slice(3).join('\t')]);
  assert.deepEqual(byLevel[0], ['INFO', 'multi\rline { a: 1 }']);
  assert.deepEqual(byLevel[1], ['INFO', 'info fmt']);
  assert.deepEqual(byLevel[2], ['WARN', 'warn']);
  assert.equal(byLevel[3]![0], 'ERROR');
  assert.match(byLevel[3]![1]!, /^error Error: logged\r {4}at /, 'a logged stack stays on one line');
  assert.deepEqual(byLevel[4], ['DEBUG', 'debug']);
  assert.ok(mine.includes(`END RequestId: ${rid}`));
});

test('JSON log format', async () => {
  const j = await serveLambda({ fixture: 'basic', handler: 'index.log', config: { logFormat: 'JSON', logLevel: 'WARN' } });
  try {
    const rid = (await call(j.url)).text;
    const line = await j.waitFor(/"level":"WARN"/);
    const rec = JSON.parse(line);
    assert.equal(rec.requestId, rid);
    assert.equal(rec.message, 'warn');
    assert.match(rec.timestamp, /Z$/);
    const err = JSON.parse(await j.waitFor(/"level":"ERROR"/));
    assert.equal(err.errorType, 'Error');
    assert.equal(err.errorMessage, 'logged');
    await j.waitFor(new RegExp(`^END RequestId: ${rid}`));
    assert.ok(!j.lines.some((l) => l.includes('"level":"INFO"')), 'INFO is below AWS_LAMBDA_LOG_LEVEL=WARN');
  } finally {
    await j.stop();
  }
});
