// lambdaRuntime's wiring: config errors, the choice of invoker, the Invoke API on the Node pool,
// and the invoker's own process.env left alone (serverless-offline mutates it, lambda.md §4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lambdaRuntime } from '../../runtimes/lambda/index.js';
import { createWorkerPool } from '../../runtimes/lambda/pool.js';
import { resolveSettings } from '../../runtimes/lambda/settings.js';
import { FnkitError } from '../../src/errors.js';
import { call, fixtures, serveLambda } from './helpers.js';

test('bad handler strings and config fail at construction with FN_ERR_LAMBDA_CONFIG', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ handler: 'index' }, /Bad handler/],
    [{ handler: '../up.handler' }, /not a valid handler name/],
    [{ config: { frontDoor: 'apigw' } }, /lambda\.frontDoor/],
    [{ config: { routes: ['GET /a/{x', 'x'] } }, /lambda\.routes/],
    [{ timeout: 0 }, /timeout/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(
      () => lambdaRuntime({ handler: 'index.handler', name: 'f', timeout: 3, config: {}, taskRoot: join(fixtures, 'basic'), ...patch }, { processEnv: {} }),
      (e: unknown) => e instanceof FnkitError && e.code === 'FN_ERR_LAMBDA_CONFIG' && re.test(e.message),
      JSON.stringify(patch),
    );
  }
});

test('the runtime serves the Invoke API route beside the front door', () => {
  const rt = lambdaRuntime({ handler: 'index.echo', name: 'f', timeout: 3, config: {}, taskRoot: join(fixtures, 'basic') }, { processEnv: {} });
  assert.equal(rt.name, 'lambda');
  assert.ok(rt.routes?.some((r) => r.url === '/2015-03-31/functions/:name/invocations'));
});

test('the pool never writes the invoker\'s process.env; each environment has its own', async () => {
  const s = resolveSettings({ handler: 'index.route', name: 'envcheck', timeout: 3, config: { concurrency: 2 }, taskRoot: join(fixtures, 'basic') }, { ...process.env });
  const lines: string[] = [];
  const pool = createWorkerPool({ settings: s, log: (l) => lines.push(l) });
  const before = { ...process.env };
  try {
    await pool.init();
    const ac = new AbortController();
    const run = (h: string) => pool.invoke({ event: { h }, requestId: crypto.randomUUID(), deadline: Date.now() + 3000, signal: ac.signal });
    const set = await run('setEnv');
    assert.deepEqual(set, { ok: true, result: { statusCode: 200, body: 'yes' } });
    const env = await run('env');
    assert.ok(env.ok && 'result' in env);
    assert.equal((env.result as any).AWS_LAMBDA_FUNCTION_NAME, 'envcheck');
    assert.equal(process.env.SET_BY_HANDLER, undefined);
    assert.equal(process.env.AWS_LAMBDA_FUNCTION_NAME, before.AWS_LAMBDA_FUNCTION_NAME);
    assert.deepEqual({ ...process.env }, before);
  } finally {
    await pool.shutdown();
  }
});

test('the Invoke API runs through the Node worker pool (X-Amz-Function-Error on failure)', async () => {
  const s = await serveLambda({ fixture: 'basic', handler: 'index.route', name: 'invoked' });
  try {
    const ok = await call(s.url, { method: 'POST', path: '/2015-03-31/functions/invoked/invocations', body: JSON.stringify({ h: 'event', x: 1 }) });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json(), { h: 'event', x: 1 });
    const bad = await call(s.url, { method: 'POST', path: '/2015-03-31/functions/invoked/invocations', body: JSON.stringify({ h: 'throwError' }) });
    assert.equal(bad.status, 200);
    assert.equal(bad.headers['x-amz-function-error'], 'Unhandled');
    assert.equal(bad.json().errorType, 'ValidationError');
  } finally {
    await s.stop();
  }
});

test('an executable bootstrap and no awsRuntime selects the custom runtime (provided.al2023)', async () => {
  const s = await serveLambda({ fixture: 'bootstrap-detect', handler: 'function.handler' });
  try {
    const r = await call(s.url, { path: '/hello' });
    assert.equal(r.status, 200, `${r.text}\n${s.output.join('\n')}`);
    assert.deepEqual(r.json(), { from: 'bootstrap', handler: 'function.handler', path: '/hello' });
  } finally {
    await s.stop();
  }
});

test('a module whose init never ends does not keep the server unready; the request fails at its deadline', async () => {
  const s = resolveSettings({ handler: 'index.handler', name: 'hang', timeout: 1, config: {}, taskRoot: join(fixtures, 'init-hangs') }, {});
  const lines: string[] = [];
  const pool = createWorkerPool({ settings: s, log: (l) => lines.push(l), initTimeoutMs: 300 });
  try {
    const t0 = Date.now();
    await pool.init();
    assert.ok(Date.now() - t0 < 3000, 'init gave up');
    assert.ok(lines.some((l) => /^INIT_REPORT Init Duration: 300\.00 ms\tPhase: init\tStatus: timeout$/.test(l)), lines.join('\n'));
    const o = await pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: Date.now() + 500, signal: new AbortController().signal });
    assert.equal(o.ok, false);
    assert.ok(!o.ok && o.kind === 'timeout');
  } finally {
    await pool.shutdown();
  }
});
