import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapEnv, RESERVED } from './bootstrap-env.js';

const input = (over: Partial<Parameters<typeof bootstrapEnv>[0]> = {}) => ({
  base: { PATH: '/usr/bin:/bin', HOME: '/root', K_SERVICE: 'svc', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:1', _HANDLER: 'stale.handler', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' },
  user: { MY_VAR: 'x', _HANDLER: 'user.cannot', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1' },
  taskRoot: '/var/task',
  handler: 'function.handler',
  name: 'fn',
  memorySize: 256,
  runtimeApi: '127.0.0.1:9001',
  now: new Date('2026-01-02T03:04:05Z'),
  ...over,
});

test('the provided.al2023 variables are set and win over the container and fn.yaml env', () => {
  const env = bootstrapEnv(input());
  assert.equal(env._HANDLER, 'function.handler');
  assert.equal(env.AWS_LAMBDA_RUNTIME_API, '127.0.0.1:9001');
  assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '256');
  assert.equal(env.LAMBDA_TASK_ROOT, '/var/task');
  assert.equal(env.LAMBDA_RUNTIME_DIR, '/var/runtime');
  assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
  assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/fn');
  assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME!, /^2026\/01\/02\/\[\$LATEST\][0-9a-f]{32}$/);
  assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
  assert.equal(env.AWS_EXECUTION_ENV, undefined, 'provided.* has none');
  assert.equal(env.TZ, ':UTC');
  assert.equal(env.LANG, 'en_US.UTF-8');
  assert.equal(env.AWS_REGION, 'us-east-1');
  assert.equal(env.AWS_DEFAULT_REGION, 'us-east-1');
  assert.equal(env.MY_VAR, 'x');
  assert.equal(env.K_SERVICE, 'svc', 'container variables are forwarded, as RIE does');
  assert.equal(env.PATH, '/usr/bin:/bin');
  assert.equal(env.LD_LIBRARY_PATH, '/var/task:/var/task/lib:/opt/lib');
  for (const k of RESERVED) assert.ok(env[k], k);
});

test('user TZ and region are kept; an empty PATH gets Lambda\'s default', () => {
  const env = bootstrapEnv(input({ base: {}, user: { TZ: 'Asia/Tokyo', AWS_REGION: 'eu-central-1' } }));
  assert.equal(env.TZ, 'Asia/Tokyo');
  assert.equal(env.AWS_REGION, 'eu-central-1');
  assert.equal(env.AWS_DEFAULT_REGION, 'eu-central-1');
  assert.equal(env.PATH, '/usr/local/bin:/usr/bin/:/bin:/opt/bin');
});
