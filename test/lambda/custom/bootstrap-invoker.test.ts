// createBootstrapInvoker against a real bootstrap process, reached over real HTTP through the
// invoker: the Runtime API contract (lambda.md §3.10), the provided.al2023 environment (§3.4),
// timeouts and crashes resetting the sandbox (§3.5), init errors, and one invocation at a time
// per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBootstrapInvoker } from '../../../runtimes/lambda/custom/bootstrap-invoker.js';
import { isFnkitError } from '../../../src/errors.js';
import { invokeApi, serveInvoker } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const multi = join(here, 'fixtures', 'node-multi');

function make(over: Partial<Parameters<typeof createBootstrapInvoker>[0]> = {}) {
  const lines: string[] = [];
  const invoker = createBootstrapInvoker({
    taskRoot: multi,
    handler: 'fixture.handler',
    name: 'multi-fn',
    timeout: 2,
    memorySize: 512,
    env: { FIXTURE_USER_VAR: 'from-fn-yaml', AWS_LAMBDA_FUNCTION_NAME: 'user-cannot-override' },
    log: (l) => lines.push(l),
    ...over,
  });
  return { invoker, lines };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the bootstrap gets the provided.al2023 environment and the Runtime API headers (KLR: dummy name/ARN, Trace-Id "0"; SAM#2519: deadline on the wrong clock)', async () => {
  const { invoker, lines } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  try {
    const cc = Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64');
    const before = Date.now();
    const r = await invokeApi(srv.url, { hello: 'world' }, { 'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', 'x-amz-client-context': cc });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-amz-executed-version'), '$LATEST');
    assert.equal(r.headers.get('x-amz-function-error'), null);
    const b = r.json;
    assert.deepEqual(b.event, { hello: 'world' });
    assert.equal(b.count, 1);
    assert.equal(b.cwd, multi);
    assert.equal(b.env._HANDLER, 'fixture.handler');
    assert.equal(b.env.LAMBDA_TASK_ROOT, multi);
    assert.equal(b.env.LAMBDA_RUNTIME_DIR, '/var/runtime');
    assert.equal(b.env.AWS_LAMBDA_FUNCTION_NAME, 'multi-fn', 'reserved variables win over fn.yaml env');
    assert.equal(b.env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(b.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '512');
    assert.equal(b.env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/multi-fn');
    assert.match(b.env.AWS_LAMBDA_LOG_STREAM_NAME, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.equal(b.env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
    assert.equal(b.env.AWS_EXECUTION_ENV, undefined, 'not set for provided.* runtimes');
    assert.equal(b.env.TZ, ':UTC');
    assert.equal(b.env.FIXTURE_USER_VAR, 'from-fn-yaml');
    assert.match(b.env.AWS_LAMBDA_RUNTIME_API, /^127\.0\.0\.1:\d+$/);
    assert.ok(b.env.AWS_REGION);
    const h = b.headers;
    assert.match(h['lambda-runtime-aws-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal(h['lambda-runtime-aws-request-id'], r.headers.get('x-amzn-requestid'));
    const deadline = Number(h['lambda-runtime-deadline-ms']);
    assert.ok(deadline > before && deadline <= Date.now() + 2000 + 50, `deadline ${deadline} is epoch ms within the 2 s timeout`);
    assert.equal(h['lambda-runtime-invoked-function-arn'], `arn:aws:lambda:${b.env.AWS_REGION}:012345678912:function:multi-fn`);
    assert.equal(h['lambda-runtime-trace-id'], 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
    assert.deepEqual(JSON.parse(h['lambda-runtime-client-context']), { custom: { k: 'v' } });
    assert.equal(h['lambda-runtime-cognito-identity'], undefined, 'omitted when empty');
    // Module state persists: init ran once.
    const r2 = await invokeApi(srv.url, { again: true });
    assert.equal(r2.json.count, 2);
    assert.equal(r2.json.pid, b.pid);
    assert.equal(r2.json.headers['lambda-runtime-trace-id'], undefined, 'no trace header when the caller sent none');
    assert.ok(lines.some((l) => l.startsWith(`START RequestId: ${h['lambda-runtime-aws-request-id']} Version: $LATEST`)));
    assert.ok(lines.some((l) => /^REPORT RequestId: \S+\tInit Duration: [\d.]+ ms\tDuration/.test(l)) || lines.some((l) => /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 512 MB/.test(l)));
    assert.ok(lines.some((l) => l.startsWith('init ok pid=')), 'bootstrap stdout reaches the log');
  } finally {
    await srv.close();
  }
});

test('a function error is 200 + X-Amz-Function-Error: Unhandled with the error JSON (RIE omits the header; KLR answered 500 with raw JSON)', async () => {
  const { invoker } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  try {
    const r = await invokeApi(srv.url, { action: 'error' }, {}, 'multi-fn');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(r.json, { errorType: 'Function.Oops', errorMessage: 'it failed', trace: ['line 1', 'line 2'] });
    // The process survived a handled error.
    const ok = await invokeApi(srv.url, {});
    assert.equal(ok.json.count, 2);
  } finally {
    await srv.close();
  }
});

test('a timeout fails alone, kills the process, and the next invocation gets a fresh runtime (KLR left it running and answered 410)', async () => {
  const { invoker, lines } = make({ timeout: 1 });
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 1 });
  try {
    const first = await invokeApi(srv.url, {});
    const pid = first.json.pid as number;
    const t0 = Date.now();
    const r = await invokeApi(srv.url, { action: 'sleep', ms: 5000 });
    const took = Date.now() - t0;
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(r.json.errorType, 'Sandbox.Timedout');
    assert.match(r.json.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
    assert.ok(took >= 900 && took < 5000, `answered at the deadline, not after the 5 s sleep: ${took} ms`);
    assert.ok(lines.some((l) => /Task timed out after 1\.00 seconds$/.test(l)));
    await new Promise((res) => setTimeout(res, 100));
    assert.equal(alive(pid), false, 'the timed-out process is gone');
    const next = await invokeApi(srv.url, {});
    assert.equal(next.status, 200);
    assert.notEqual(next.json.pid, pid);
    assert.equal(next.json.count, 1, 'module state was reset');
  } finally {
    await srv.close();
  }
});

test('a crash fails the invocation with Runtime.ExitError and the runtime restarts', async () => {
  const { invoker } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  try {
    const first = await invokeApi(srv.url, {});
    const r = await invokeApi(srv.url, { action: 'crash' });
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.ExitError');
    assert.match(r.json.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 7$/);
    const next = await invokeApi(srv.url, {});
    assert.equal(next.status, 200);
    assert.notEqual(next.json.pid, first.json.pid);
    assert.equal(next.json.count, 1);
  } finally {
    await srv.close();
  }
});

test('/init/error fails init with the runtime\'s own error; a lazy init reports it on the invocation', async () => {
  const { invoker, lines } = make({ env: { FIXTURE_INIT: 'error' } });
  await assert.rejects(invoker.init(), (err: unknown) => {
    assert.ok(isFnkitError(err));
    assert.equal(err.code, 'FN_ERR_LAMBDA_INIT');
    assert.deepEqual(err.data?.lambdaError, { errorType: 'Runtime.FixtureInitError', errorMessage: 'init failed on purpose', trace: ['at init'] });
    return true;
  });
  for (let i = 0; i < 150 && !lines.some((l) => l.startsWith('init/error answered')); i++) await new Promise((res) => setTimeout(res, 20));
  await invoker.shutdown();
  assert.ok(lines.some((l) => l.startsWith('init/error answered 202 {"status":"OK"}')), lines.join('\n'));

  const lazy = make({ env: { FIXTURE_INIT: 'error' } });
  const ac = new AbortController();
  const o = await lazy.invoker.invoke({ event: {}, requestId: 'r-1', deadline: Date.now() + 2000, signal: ac.signal });
  assert.deepEqual(o, { ok: false, kind: 'init', error: { errorType: 'Runtime.FixtureInitError', errorMessage: 'init failed on purpose', trace: ['at init'] } });
  await lazy.invoker.shutdown();
});

test('after an init error the runtime is not dead: the next invocation initialises again (KLR exited the container)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-init-once-'));
  try {
    const { invoker } = make({ env: { FIXTURE_INIT: 'error-once', FIXTURE_MARK: join(dir, 'mark') } });
    const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 }).catch((e: unknown) => e);
    assert.ok(isFnkitError(srv) && srv.code === 'FN_ERR_LAMBDA_INIT', 'eager init reports the error');
    const first = await invoker.invoke({ event: { n: 1 }, requestId: 'after-init-error', deadline: Date.now() + 2000, signal: new AbortController().signal });
    assert.equal(first.ok, true, JSON.stringify(first));
    assert.deepEqual(first.ok && 'result' in first && (first.result as { event: unknown }).event, { n: 1 });
    await invoker.shutdown();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('KLR peer bugs: the timeout error never echoes the payload; payloads between 5e6 bytes and 6 MiB pass; JSON content type', async () => {
  const { invoker } = make({ timeout: 1 });
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 1 });
  try {
    const t = await invokeApi(srv.url, { action: 'sleep', ms: 3000, secret: 'do-not-echo-me' });
    assert.equal(t.json.errorType, 'Sandbox.Timedout');
    assert.ok(!t.text.includes('do-not-echo-me'), t.text);
  } finally {
    await srv.close();
  }
  const roomy = make({ timeout: 20 });
  const srv2 = await serveInvoker(roomy.invoker, { name: 'multi-fn', timeout: 20 });
  try {
    const big = { pad: 'x'.repeat(5_500_000) };
    const r = await invokeApi(srv2.url, big);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.json.event.pad.length, 5_500_000);
  } finally {
    await srv2.close();
  }
});

test('a bootstrap exiting or hanging during init is an init error, not a hang', async () => {
  const exit = make({ env: { FIXTURE_INIT: 'exit' } });
  const ac = new AbortController();
  const o = await exit.invoker.invoke({ event: {}, requestId: 'r-2', deadline: Date.now() + 2000, signal: ac.signal });
  assert.equal(o.ok, false);
  assert.equal(!o.ok && o.kind, 'init');
  assert.deepEqual(!o.ok && o.error, { errorType: 'Runtime.ExitError', errorMessage: 'RequestId: - Error: Runtime exited with error: exit status 3' });
  await exit.invoker.shutdown();

  const hang = make({ env: { FIXTURE_INIT: 'hang' }, initTimeoutMs: 400 });
  const t0 = Date.now();
  await assert.rejects(hang.invoker.init(), (err: unknown) => isFnkitError(err) && (err.data?.lambdaError as { errorType: string }).errorType === 'Runtime.InitTimeout');
  assert.ok(Date.now() - t0 < 4000, 'failed at the init limit, not hanging');
  await hang.invoker.shutdown();
});

test('Runtime API status codes: 400 unknown/answered id, 403 early /next and late /init/error, 400 bad response mode', async () => {
  const { invoker, lines } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  try {
    const r = await invokeApi(srv.url, { action: 'probe' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.wrongId, [400, { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' }]);
    assert.equal(r.json.early[0], 403);
    assert.equal(r.json.early[1].errorType, 'InvalidStateTransition');
    assert.equal(r.json.initErr[0], 403);
    assert.equal(r.json.initErr[1].errorType, 'InvalidStateTransition');
    assert.equal(r.json.mode[0], 400);
    assert.equal(r.json.mode[1].errorType, 'InvalidFunctionResponseMode');
    // Give the fixture time to log its second (refused) response.
    for (let i = 0; i < 150 && !lines.some((l) => l.startsWith('probe ok=')); i++) await new Promise((res) => setTimeout(res, 20));
    assert.ok(lines.includes('probe ok=202 again=400 {"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}'), lines.join('\n'));
  } finally {
    await srv.close();
  }
});

test('a response over 6 MiB + 100 bytes gets 413 on the Runtime API and Function.ResponseSizeTooLarge for the caller', async () => {
  const { invoker, lines } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 5 });
  try {
    const r = await invokeApi(srv.url, { action: 'big', bytes: 6 * 1024 * 1024 + 200 });
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(r.json.errorType, 'Function.ResponseSizeTooLarge');
    for (let i = 0; i < 150 && !lines.some((l) => l.startsWith('big response answered')); i++) await new Promise((res) => setTimeout(res, 20));
    assert.ok(lines.some((l) => l.startsWith('big response answered 413') && l.includes('"errorType":"RequestEntityTooLarge"')), lines.join('\n'));
    const fits = await invokeApi(srv.url, { action: 'big', bytes: 1000 });
    assert.equal(fits.status, 200);
    assert.equal(fits.json, 'x'.repeat(1000));
  } finally {
    await srv.close();
  }
});

test('a streamed response (HttpResponseStream prelude + 8 NULs) maps to status, headers and body', async () => {
  const { invoker } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  try {
    const res = await fetch(srv.url + '/anything', { method: 'POST', body: JSON.stringify({ action: 'stream' }) });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-fixture'), 'yes');
    assert.equal(await res.text(), 'chunk-1 chunk-2');
    // A buffered Invoke API caller gets the concatenated body.
    const r = await invokeApi(srv.url, { action: 'stream' });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'chunk-1 chunk-2');
    assert.equal(r.headers.get('content-type'), 'text/plain');
  } finally {
    await srv.close();
  }
});

test('a stream that fails midway reports the error from its trailers', async () => {
  const { invoker } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  try {
    const r = await invokeApi(srv.url, { action: 'stream-fail' });
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.deepEqual(r.json, { errorType: 'Function.MidStream', errorMessage: 'broke after the first chunk', trace: [] });
    const ok = await invokeApi(srv.url, {});
    assert.equal(ok.json.count, 2, 'a handled stream error does not reset the runtime');
  } finally {
    await srv.close();
  }
});

test('a stream that never ends is cut at the function timeout and the runtime is reset', async () => {
  const { invoker, lines } = make({ timeout: 1 });
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 1 });
  try {
    const first = await invokeApi(srv.url, {});
    const t0 = Date.now();
    // A buffered Invoke API caller sees the cut stream as a function error.
    const r = await invokeApi(srv.url, { action: 'stream-hang' });
    const took = Date.now() - t0;
    assert.equal(r.headers.get('x-amz-function-error'), 'Unhandled');
    assert.equal(r.json.errorType, 'Runtime.StreamError');
    assert.ok(took >= 800 && took < 5500, `cut at the deadline, before the invoker's own 6 s limit: ${took} ms`);
    assert.ok(lines.some((l) => /Task timed out after 1\.00 seconds \(while streaming\)$/.test(l)));
    const next = await invokeApi(srv.url, {});
    assert.equal(next.status, 200);
    assert.notEqual(next.json.pid, first.json.pid);
    assert.equal(next.json.count, 1);
  } finally {
    await srv.close();
  }
});

test('one invocation at a time per process: the rest queue; a pool of 2 runs 2 at once', async () => {
  const one = make({ timeout: 5 });
  const srv = await serveInvoker(one.invoker, { name: 'multi-fn', timeout: 5 });
  try {
    const t0 = Date.now();
    const rs = await Promise.all([1, 2, 3].map(() => invokeApi(srv.url, { action: 'sleep', ms: 200 })));
    const took = Date.now() - t0;
    assert.deepEqual(rs.map((r) => r.json.count).sort(), [1, 2, 3]);
    assert.ok(took >= 590, `serialised: ${took} ms`);
  } finally {
    await srv.close();
  }
  const two = make({ timeout: 5, concurrency: 2 });
  const srv2 = await serveInvoker(two.invoker, { name: 'multi-fn', timeout: 5 });
  try {
    const t0 = Date.now();
    const rs = await Promise.all([1, 2, 3, 4].map(() => invokeApi(srv2.url, { action: 'sleep', ms: 300 })));
    const took = Date.now() - t0;
    assert.ok(took >= 590, `two processes, two rounds: ${took} ms`);
    assert.deepEqual(rs.map((r) => r.json.count).sort(), [1, 1, 2, 2], 'each process served two, one at a time');
    const spans = rs.map((r) => r.json as { pid: number; from: number; to: number });
    assert.equal(new Set(spans.map((x) => x.pid)).size, 2, 'two processes');
    for (const a of spans) for (const b of spans) {
      if (a !== b && a.pid === b.pid) assert.ok(a.to <= b.from || b.to <= a.from, 'never two at once in one process');
    }
    const overlapping = spans.some((a) => spans.some((b) => a.pid !== b.pid && a.from < b.to && b.from < a.to));
    assert.ok(overlapping, 'the two processes ran at the same time');
  } finally {
    await srv2.close();
  }
});

test('a queued invocation whose caller went away never runs; the queue moves on', async () => {
  const { invoker } = make({ timeout: 5 });
  await invoker.init();
  try {
    const deadline = () => Date.now() + 5000;
    const busy = invoker.invoke({ event: { action: 'sleep', ms: 1500 }, requestId: 'busy', deadline: deadline(), signal: new AbortController().signal });
    const ac = new AbortController();
    const queued = invoker.invoke({ event: { action: 'crash' }, requestId: 'queued', deadline: deadline(), signal: ac.signal });
    const later = invoker.invoke({ event: { n: 3 }, requestId: 'later', deadline: deadline(), signal: new AbortController().signal });
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    const q = await queued;
    assert.ok(Date.now() - t0 < 1000, 'answered as soon as the caller left, not after the 1.5 s busy one');
    assert.deepEqual(q, { ok: false, kind: 'crash', error: { errorType: 'Runtime.InvocationAborted', errorMessage: 'the caller went away before the invocation started' } });
    const b = await busy;
    const l = await later;
    assert.equal(b.ok && 'result' in b && (b.result as { count: number }).count, 1);
    // The aborted "crash" event never reached the process: same process, count 2.
    assert.equal(l.ok && 'result' in l && (l.result as { count: number }).count, 2);
    const already = new AbortController();
    already.abort();
    const pre = await invoker.invoke({ event: {}, requestId: 'pre', deadline: deadline(), signal: already.signal });
    assert.equal(!pre.ok && pre.error.errorType, 'Runtime.InvocationAborted');
  } finally {
    await invoker.shutdown();
  }
});

test('missing or non-executable bootstrap: a clear error naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-bootstrap-'));
  try {
    const missing = make({ taskRoot: dir });
    await assert.rejects(missing.invoker.init(), (err: unknown) => isFnkitError(err) && err.code === 'FN_ERR_LAMBDA_NO_BOOTSTRAP' && err.message.includes(join(dir, 'bootstrap')));
    await writeFile(join(dir, 'bootstrap'), '#!/bin/sh\necho hi\n');
    await chmod(join(dir, 'bootstrap'), 0o644);
    const noexec = make({ taskRoot: dir });
    await assert.rejects(noexec.invoker.init(), (err: unknown) => isFnkitError(err) && err.code === 'FN_ERR_LAMBDA_BOOTSTRAP_NOT_EXECUTABLE' && /chmod \+x/.test(err.hint ?? ''));
    const lazy = make({ taskRoot: dir });
    const o = await lazy.invoker.invoke({ event: {}, requestId: 'r', deadline: Date.now() + 1000, signal: new AbortController().signal });
    assert.equal(!o.ok && o.kind, 'init');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('shutdown stops the bootstrap process', async () => {
  const { invoker } = make();
  const srv = await serveInvoker(invoker, { name: 'multi-fn', timeout: 2 });
  const r = await invokeApi(srv.url, {});
  const pid = r.json.pid as number;
  assert.equal(alive(pid), true);
  await srv.close();
  assert.equal(alive(pid), false);
});
