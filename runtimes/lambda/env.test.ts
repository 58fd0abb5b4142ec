import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionArn, lambdaEnvironment, logStreamName } from './env.js';
import { resolveSettings } from './settings.js';

const id = { now: new Date('2026-03-04T05:06:07Z'), streamId: 'a'.repeat(32), runtimeDir: '/opt/fnkit' };

test('reserved variables are set and win over the user', () => {
  const s = resolveSettings(
    { handler: 'src/app.handler', name: 'orders', timeout: 3, config: { memorySize: 256 }, taskRoot: '/var/task', env: { AWS_LAMBDA_FUNCTION_NAME: 'spoof', MY_VAR: 'x' } },
    { PATH: '/usr/bin', _X_AMZN_TRACE_ID: 'stale' },
  );
  const env = lambdaEnvironment(s, id);
  const expected: Record<string, string> = {
    _HANDLER: 'src/app.handler',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/opt/fnkit',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: 'orders',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/03/04/[$LATEST]' + 'a'.repeat(32),
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    MY_VAR: 'x',
    PATH: '/usr/bin',
  };
  for (const [k, v] of Object.entries(expected)) assert.equal(env[k], v, k);
  assert.equal(env._X_AMZN_TRACE_ID, undefined);
});

test('user may set TZ and region; provided.* has no AWS_EXECUTION_ENV', () => {
  const s = resolveSettings(
    { handler: 'function.handler', name: 'f', timeout: 3, config: { awsRuntime: 'provided.al2023' }, env: { TZ: 'Asia/Tokyo' } },
    { AWS_REGION: 'eu-west-1', AWS_EXECUTION_ENV: 'x' },
  );
  const env = lambdaEnvironment(s, id);
  assert.equal(env.TZ, 'Asia/Tokyo');
  assert.equal(env.AWS_REGION, 'eu-west-1');
  assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
  assert.equal(env.AWS_EXECUTION_ENV, undefined);
  const s24 = resolveSettings({ handler: 'i.h', name: 'f', timeout: 3, config: { awsRuntime: 'nodejs24.x', region: 'ap-south-1' } }, {});
  assert.equal(lambdaEnvironment(s24, id).AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs24.x');
  assert.equal(lambdaEnvironment(s24, id).AWS_REGION, 'ap-south-1');
});

test('ARN and log stream names', () => {
  assert.equal(logStreamName(new Date('2025-12-28T23:59:59Z'), 'ff'), '2025/12/28/[$LATEST]ff');
  assert.equal(functionArn({ region: 'us-east-1', name: 'fn', env: {} }), 'arn:aws:lambda:us-east-1:000000000000:function:fn');
  assert.equal(functionArn({ region: 'eu-west-1', name: 'fn', env: { AWS_ACCOUNT_ID: '123456789012' } }), 'arn:aws:lambda:eu-west-1:123456789012:function:fn');
  assert.equal(functionArn({ region: 'eu-west-1', name: 'fn', env: { AWS_ACCOUNT_ID: 'nope' } }), 'arn:aws:lambda:eu-west-1:000000000000:function:fn');
});

test('an inherited TZ or LANG does not beat AWS defaults; the function\'s own env does', () => {
  const inherited = resolveSettings({ handler: 'i.h', name: 'f', timeout: 3, config: {} }, { TZ: 'Europe/Paris', LANG: 'C.UTF-8' });
  assert.equal(lambdaEnvironment(inherited, id).TZ, ':UTC');
  assert.equal(lambdaEnvironment(inherited, id).LANG, 'en_US.UTF-8');
  const own = resolveSettings({ handler: 'i.h', name: 'f', timeout: 3, config: {}, env: { TZ: 'Asia/Tokyo' } }, { TZ: 'Asia/Tokyo', LANG: 'C.UTF-8' });
  assert.equal(lambdaEnvironment(own, id).TZ, 'Asia/Tokyo');
});
