import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSettings, DEFAULT_SETTINGS } from './config.js';

test('defaults', () => {
  assert.deepEqual(readSettings({}), DEFAULT_SETTINGS);
  assert.equal(DEFAULT_SETTINGS.bodyLimit, 6 * 1024 * 1024);
  assert.equal(DEFAULT_SETTINGS.timeoutMs, 300_000);
});

test('env values parsed', () => {
  const cases: Array<[Record<string, string>, Partial<typeof DEFAULT_SETTINGS>]> = [
    [{ PORT: '9000' }, { port: 9000 }],
    [{ PORT: '0' }, { port: 0 }],
    [{ PORT: '' }, { port: 8080 }],
    [{ FN_HOST: '127.0.0.1' }, { host: '127.0.0.1' }],
    [{ LOG_LEVEL: 'DEBUG' }, { logLevel: 'debug' }],
    [{ FN_TIMEOUT: '30' }, { timeoutMs: 30_000 }],
    [{ FN_TIMEOUT: '1.5' }, { timeoutMs: 1500 }],
    [{ FN_TIMEOUT: '2m' }, { timeoutMs: 120_000 }],
    [{ FN_TIMEOUT: '250ms' }, { timeoutMs: 250 }],
    [{ FN_BODY_LIMIT: '10mb' }, { bodyLimit: 10 * 1024 * 1024 }],
    [{ FN_BODY_LIMIT: '1024' }, { bodyLimit: 1024 }],
    [{ FN_GRACE: '0' }, { graceMs: 0 }],
    [{ FN_GRACE: '2.5' }, { graceMs: 2500 }],
    [{ FN_RESERVED_PREFIX: '/.fn/' }, { reservedPrefix: '/.fn' }],
    [{ FN_RESERVED_PREFIX: '' }, { reservedPrefix: '' }],
    [{ FN_DEV: '1' }, { dev: true }],
    [{ FN_DEV: 'false' }, { dev: false }],
    [{ FN_CE_REPLY_MODE: 'structured' }, { ceReplyMode: 'structured' }],
    [{ FN_CE_REPLY_TYPE: 'a.b', FN_CE_REPLY_SOURCE: '/x' }, { ceReplyType: 'a.b', ceReplySource: '/x' }],
    [{ K_SERVICE: 'svc', K_REVISION: 'svc-1', K_CONFIGURATION: 'svc' }, { service: 'svc', revision: 'svc-1', configuration: 'svc', ceReplySource: '/fnkit/svc' }],
    [{ FN_CE_LENIENT_HEADERS: 'yes' }, { ceLenientHeaders: true }],
    [{ FN_YOUNG_GENERATION_CAP: 'off' }, { youngGenerationCap: false }],
    [{ FN_YOUNG_GENERATION_CAP: '1' }, { youngGenerationCap: true }],
  ];
  for (const [env, want] of cases) {
    const s = readSettings(env);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(s[k as keyof typeof s], v, `${JSON.stringify(env)} ${k}`);
  }
});

test('env overrides defaults baked from fn.yaml; defaults override built-ins', () => {
  const s = readSettings({ FN_TIMEOUT: '5' }, { timeoutMs: 60_000, bodyLimit: 1000, ceReplySource: '/fn/baked' });
  assert.equal(s.timeoutMs, 5000);
  assert.equal(s.bodyLimit, 1000);
  assert.equal(readSettings({ K_SERVICE: 'x' }, { ceReplySource: '/fn/baked' }).ceReplySource, '/fn/baked');
});

test('bad values name the variable', () => {
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'http' }, /^invalid PORT="http": expected a port number/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '-1' }, /PORT/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL="verbose": expected one of trace/],
    [{ FN_TIMEOUT: 'soon' }, /FN_TIMEOUT="soon"/],
    [{ FN_TIMEOUT: '0' }, /FN_TIMEOUT/],
    [{ FN_BODY_LIMIT: '6 parsecs' }, /FN_BODY_LIMIT/],
    [{ FN_BODY_LIMIT: '0' }, /FN_BODY_LIMIT/],
    [{ FN_GRACE: 'forever' }, /FN_GRACE/],
    [{ FN_RESERVED_PREFIX: 'no-slash' }, /FN_RESERVED_PREFIX/],
    [{ FN_RESERVED_PREFIX: '/a b' }, /FN_RESERVED_PREFIX/],
    [{ FN_DEV: 'sometimes' }, /FN_DEV/],
    [{ FN_YOUNG_GENERATION_CAP: '4mb' }, /FN_YOUNG_GENERATION_CAP="4mb": expected 1\/true or 0\/false/],
    [{ FN_CE_REPLY_MODE: 'batch' }, /FN_CE_REPLY_MODE="batch": expected one of request, binary, structured/],
  ];
  for (const [env, re] of bad) {
    assert.throws(() => readSettings(env), (e: Error & { code?: string; data?: { variable?: string } }) => {
      assert.equal(e.code, 'FN_ERR_INVOKER_ENV');
      assert.equal(e.data?.variable, Object.keys(env)[0]);
      assert.match(e.message, re);
      return true;
    });
  }
});
