import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childEnv, parseEnvPairs, parseRunFlags } from './host.js';
import { parseFunction } from '../config/fn-yaml.js';
import { isFnkitError } from '../errors.js';

test('parseRunFlags: ports', () => {
  assert.deepEqual(parseRunFlags({}), { port: undefined, env: {} });
  assert.equal(parseRunFlags({ port: '0' }).port, 0);
  assert.equal(parseRunFlags({ port: '65535' }).port, 65535);
  for (const bad of ['-1', '65536', 'abc', '80.5', '', ' 80']) {
    assert.throws(() => parseRunFlags({ port: bad }), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_BAD_PORT' && e.data?.exitCode === 2, bad);
  }
});

test('parseEnvPairs: NAME=value, values may hold "="', () => {
  assert.deepEqual(parseEnvPairs(['A=1', 'B=x=y', 'EMPTY=', '_U=u']), { A: '1', B: 'x=y', EMPTY: '', _U: 'u' });
  for (const bad of ['A', '=v', '1A=v', 'A-B=v', 'A B=v']) {
    assert.throws(() => parseEnvPairs([bad]), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_BAD_ENV' && e.data?.exitCode === 2, bad);
  }
});

test('childEnv: base, then fn.yaml env, then --env; local host and dev mode; LAMBDA_TASK_ROOT for lambda', () => {
  const spec = parseFunction('name: svc\nenv: { A: yaml, B: yaml }\n', '/f/svc/fn.yaml');
  const env = childEnv(spec, { env: { B: 'flag' }, baseEnv: { A: 'base', PATH: '/bin', FN_HOST: '0.0.0.0' } });
  assert.equal(env.A, 'yaml');
  assert.equal(env.B, 'flag');
  assert.equal(env.PATH, '/bin');
  assert.equal(env.FN_HOST, '127.0.0.1');
  assert.equal(env.FN_DEV, '1');
  assert.equal(env.K_SERVICE, 'svc');
  assert.equal(env.LAMBDA_TASK_ROOT, undefined);
  const lambda = parseFunction('name: l\nruntime: lambda\n', '/f/l/fn.yaml');
  assert.equal(childEnv(lambda, { env: {}, baseEnv: {} }).LAMBDA_TASK_ROOT, '/f/l');
});
