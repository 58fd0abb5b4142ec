import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFunction, parseFunction } from './fn-yaml.js';
import { isFnkitError } from '../errors.js';

const FILE = '/fns/hello/fn.yaml';

test('defaults for a minimal fn.yaml', () => {
  const spec = parseFunction('name: hello\n', FILE);
  assert.equal(spec.name, 'hello');
  assert.equal(spec.runtime, 'node');
  assert.equal(spec.handler, 'index.ts');
  assert.equal(spec.timeout, 300);
  assert.deepEqual(spec.env, {});
  assert.equal(spec.invoker.bodyLimit, 6 * 1024 * 1024);
  assert.equal(spec.invoker.reservedPrefix, '');
  assert.deepEqual(spec.invoker.cloudevents, { replyMode: 'request', replyType: 'hello.reply', replySource: '/fn/hello' });
  assert.equal(spec.dir, '/fns/hello');
  assert.equal(spec.file, FILE);
});

test('every top-level key and the invoker section', () => {
  const spec = parseFunction(
    [
      'name: orders',
      'runtime: node',
      'handler: src/main.ts',
      'timeout: 2m',
      'env: { GREETING: hi, COUNT: 3, ON: true }',
      'invoker:',
      '  bodyLimit: 512kb',
      '  reservedPrefix: /.fn',
      '  cloudevents: { replyMode: structured, replyType: com.example.done, replySource: /orders }',
    ].join('\n'),
    FILE,
  );
  assert.equal(spec.handler, 'src/main.ts');
  assert.equal(spec.timeout, 120);
  assert.deepEqual(spec.env, { GREETING: 'hi', COUNT: '3', ON: 'true' });
  assert.equal(spec.invoker.bodyLimit, 512 * 1024);
  assert.equal(spec.invoker.reservedPrefix, '/.fn');
  assert.deepEqual(spec.invoker.cloudevents, { replyMode: 'structured', replyType: 'com.example.done', replySource: '/orders' });
});

test('lambda runtime defaults its handler string', () => {
  assert.equal(parseFunction('name: l\nruntime: lambda\n', FILE).handler, 'index.handler');
});

test('invalid files name the file, the field and what is allowed', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['', 'FN_ERR_FN_YAML_INVALID', /missing required field "name"/],
    ['runtime: node', 'FN_ERR_FN_YAML_INVALID', /missing required field "name"/],
    ['name: Hello_World', 'FN_ERR_FN_YAML_INVALID', /field "name" must be a DNS-1123 label \(lower-case letters/],
    [`name: ${'a'.repeat(64)}`, 'FN_ERR_FN_YAML_INVALID', /"name"/],
    ['name: a\nruntime: python', 'FN_ERR_FN_YAML_INVALID', /field "runtime" must be one of "node", "lambda"/],
    ['name: a\nport: 80', 'FN_ERR_FN_YAML_INVALID', /unknown field "port"/],
    ['name: a\ninvoker: { bodylimit: 1mb }', 'FN_ERR_FN_YAML_INVALID', /unknown field "invoker.bodylimit"/],
    ['name: a\ninvoker: { bodyLimit: lots }', 'FN_ERR_FN_YAML_INVALID', /field "invoker.bodyLimit": expected a size like "6mb"/],
    ['name: a\ninvoker: { reservedPrefix: "health" }', 'FN_ERR_FN_YAML_INVALID', /field "invoker.reservedPrefix" must match/],
    ['name: a\ninvoker: { cloudevents: { replyMode: batch } }', 'FN_ERR_FN_YAML_INVALID', /replyMode" must be one of/],
    ['name: a\ntimeout: forever', 'FN_ERR_FN_YAML_INVALID', /field "timeout": expected a duration/],
    ['name: a\ntimeout: 2h', 'FN_ERR_FN_YAML_INVALID', /between 1s and 3600s/],
    ['name: a\nenv: { 1BAD: x }', 'FN_ERR_FN_YAML_INVALID', /field "env" has an invalid key/],
    ['name: a\nenv: { A: [1, 2] }', 'FN_ERR_FN_YAML_INVALID', /field "env.A" must be/],
    ['- a\n- b', 'FN_ERR_FN_YAML_INVALID', /expected a mapping of fields/],
    ['name: [unclosed', 'FN_ERR_FN_YAML_SYNTAX', /YAML syntax error/],
    ['name: a\nhandler: ""', 'FN_ERR_FN_YAML_INVALID', /field "handler"/],
  ];
  for (const [text, code, message] of cases) {
    assert.throws(
      () => parseFunction(text, FILE),
      (e: unknown) => isFnkitError(e) && e.code === code && message.test(e.message) && e.message.startsWith(FILE),
      JSON.stringify(text),
    );
  }
});

test('loadFunction reads <dir>/fn.yaml and says when it is missing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-yaml-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(loadFunction(dir), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_NO_FN_YAML' && e.message === `no fn.yaml in ${dir}` && /fn create/.test(e.hint ?? ''));
  await writeFile(join(dir, 'fn.yaml'), 'name: from-disk\n');
  const spec = await loadFunction(dir);
  assert.equal(spec.name, 'from-disk');
  assert.equal(spec.dir, dir);
});
