import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from './settings.js';
import { FnkitError } from '../../src/errors.js';

const base = { handler: 'index.handler', name: 'fn', timeout: 3, config: {} };

test('defaults are AWS-like', () => {
  const s = resolveSettings(base, { LAMBDA_TASK_ROOT: '/var/task' });
  assert.equal(s.awsRuntime, 'nodejs22.x');
  assert.equal(s.frontDoor, 'http-api');
  assert.equal(s.concurrency, 1);
  assert.equal(s.memorySize, 1024);
  assert.equal(s.region, 'us-east-1');
  assert.equal(s.taskRoot, '/var/task');
  assert.equal(s.custom, false);
  assert.deepEqual(s.routes, []);
  assert.equal(s.logFormat, 'Text');
});

test('bad values fail with the field and what is allowed', () => {
  const cases: Array<[Partial<typeof base> & { config?: Record<string, unknown> }, RegExp]> = [
    [{ config: { frontDoor: 'apigw' } }, /lambda\.frontDoor: must be one of http-api, rest-api, alb, function-url, raw, got "apigw"/],
    [{ config: { awsRuntime: 'nodejs18.x' } }, /lambda\.awsRuntime: must be one of nodejs20\.x/],
    [{ config: { concurrency: 0 } }, /lambda\.concurrency: must be a whole number from 1 to 256, got 0/],
    [{ config: { concurrency: 1.5 } }, /lambda\.concurrency/],
    [{ config: { memorySize: 64 } }, /lambda\.memorySize: must be a whole number from 128 to 10240/],
    [{ config: { routes: ['GET pets'] } }, /lambda\.routes: route "GET pets" must be "METHOD \/path"/],
    [{ config: { routes: 'GET /' } }, /lambda\.routes: must be a list of strings/],
    [{ config: { stage: 'a/b' } }, /lambda\.stage/],
    [{ config: { multiValueHeaders: 'yes' } }, /lambda\.multiValueHeaders: must be true or false/],
    [{ config: { logFormat: 'xml' } }, /lambda\.logFormat/],
    [{ handler: 'index' }, /handler "index": Bad handler/],
    [{ handler: '../x.handler' }, /is not a valid handler name/],
    [{ handler: '' }, /handler: expected an AWS handler string/],
    [{ timeout: 0 }, /timeout: a Lambda timeout is 1 to 900 seconds, got 0/],
    [{ timeout: 901 }, /900/],
  ];
  for (const [patch, re] of cases) {
    assert.throws(
      () => resolveSettings({ ...base, ...patch } as any, {}),
      (e: unknown) => e instanceof FnkitError && e.code === 'FN_ERR_LAMBDA_CONFIG' && re.test(e.message),
      JSON.stringify(patch),
    );
  }
});

test('provided.* runtimes accept any handler string (the bootstrap reads it)', () => {
  const s = resolveSettings({ ...base, handler: 'function', config: { awsRuntime: 'provided.al2023' } }, {});
  assert.equal(s.custom, true);
});

test('env: an explicit process variable wins over fn.yaml env (as the bundle bakes it); the input is not modified', () => {
  const penv = { A: '1', B: '2', TZ: 'Europe/Paris' };
  const s = resolveSettings({ ...base, env: { B: '3', C: '4', LANG: 'de_DE.UTF-8' } }, penv);
  assert.equal(s.env.A, '1');
  assert.equal(s.env.B, '2');
  assert.equal(s.env.C, '4');
  assert.deepEqual(s.userEnv, { B: '2', C: '4', LANG: 'de_DE.UTF-8' }, 'TZ is inherited, not the function\'s');
  assert.equal(penv.B, '2');
});

test('isolation: worker by default at any concurrency, inline on request; fn.yaml over FN_LAMBDA_ISOLATION', () => {
  assert.equal(resolveSettings(base, {}).isolation, 'worker');
  assert.equal(resolveSettings(base, { FN_LAMBDA_ISOLATION: 'inline' }).isolation, 'inline');
  assert.equal(resolveSettings({ ...base, config: { concurrency: 4 } }, {}).isolation, 'worker');
  assert.equal(resolveSettings({ ...base, config: { isolation: 'worker' } }, {}).isolation, 'worker');
  assert.equal(resolveSettings(base, { FN_LAMBDA_ISOLATION: 'worker' }).isolation, 'worker');
  assert.equal(resolveSettings({ ...base, config: { isolation: 'inline' } }, { FN_LAMBDA_ISOLATION: 'worker' }).isolation, 'inline');
});

test('isolation: a bad value names the field; inline with concurrency above 1 says why it cannot be', () => {
  const fails = (config: Record<string, unknown>, env: Record<string, string>, re: RegExp) =>
    assert.throws(
      () => resolveSettings({ ...base, config }, env),
      (e: unknown) => e instanceof FnkitError && e.code === 'FN_ERR_LAMBDA_CONFIG' && re.test(e.message),
      JSON.stringify({ config, env }),
    );
  fails({ isolation: 'thread' }, {}, /^lambda\.isolation: must be one of inline, worker, got "thread"$/);
  fails({}, { FN_LAMBDA_ISOLATION: 'process' }, /^lambda\.isolation \(FN_LAMBDA_ISOLATION\): must be one of inline, worker, got "process"$/);
  fails({ isolation: 'inline', concurrency: 2 }, {}, /^lambda\.isolation: inline runs the one execution environment on the server's own thread, so it cannot run 2 invocations at once \(concurrency: 2\)$/);
  fails({ concurrency: 3 }, { FN_LAMBDA_ISOLATION: 'inline' }, /cannot run 3 invocations at once/);
});
