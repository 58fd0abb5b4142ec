import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveVariables } from './sls-variables.js';

const ctx = (over = {}) => ({ stage: 'dev', region: 'us-east-1', env: { HOME_DIR: '/h' } as Record<string, string | undefined>, baseDir: '/nonexistent', ...over });

test('variables: table of sources, fallbacks, nesting and types', () => {
  const doc = {
    service: 'shop',
    provider: { stage: 'dev', region: 'eu-west-1' },
    custom: { tables: { dev: 'shop-dev', prod: 'shop-prod' }, size: 3, obj: { a: 1 }, self2: '${self:custom.size}' },
    cases: {
      selfString: '${self:service}-api',
      nested: '${self:custom.tables.${opt:stage}}',
      stage: '${sls:stage}',
      region: '${aws:region}',
      optRegion: '${opt:region}',
      env: '${env:HOME_DIR}',
      envFallback: "${env:NOPE, 'fallback'}",
      doubleQuoted: '${env:NOPE, "dq"}',
      chain: '${env:NOPE, ${self:custom.tables.prod}}',
      numberKept: '${self:custom.size}',
      objectKept: '${self:custom.obj}',
      numberInString: 'size-${self:custom.size}',
      viaOther: '${self:custom.self2}',
      numericFallback: '${env:NOPE, 7}',
      commaInQuotes: "${env:NOPE, 'a,b'}",
      literal: 'no variables here',
    },
  };
  const { doc: out, unresolved } = resolveVariables(doc, ctx());
  assert.deepEqual(out.cases, {
    selfString: 'shop-api',
    nested: 'shop-dev',
    stage: 'dev',
    region: 'us-east-1',
    optRegion: 'us-east-1',
    env: '/h',
    envFallback: 'fallback',
    doubleQuoted: 'dq',
    chain: 'shop-prod',
    numberKept: 3,
    objectKept: { a: 1 },
    numberInString: 'size-3',
    viaOther: 3,
    numericFallback: 7,
    commaInQuotes: 'a,b',
    literal: 'no variables here',
  });
  assert.deepEqual(unresolved, []);
});

test('variables: what needs AWS is removed and reported with its path; cycles do not hang', () => {
  const doc = {
    a: '${ssm:/x/y}',
    b: { c: 'pre-${cf:stack.Out}' },
    d: '${self:missing.key}',
    e: '${aws:accountId}',
    loop1: '${self:loop2}',
    loop2: '${self:loop1}',
    list: ['ok', '${param:x}'],
  };
  const { doc: out, unresolved } = resolveVariables(doc, ctx());
  assert.deepEqual(out, { b: {}, list: ['ok'] });
  const paths = unresolved.map((u) => `${u.path} ${u.expr}`);
  for (const want of ['a ${ssm:/x/y}', 'b.c ${cf:stack.Out}', 'd ${self:missing.key}', 'e ${aws:accountId}', 'list[1] ${param:x}']) {
    assert.ok(paths.includes(want), `${want} in ${paths.join(' | ')}`);
  }
  assert.ok(paths.some((p) => p.startsWith('loop1 ') || p.startsWith('loop2 ')));
});

test('${file(...)}: a YAML file relative to serverless.yml, with a key path', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sls-vars-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'config.dev.yml'), 'db:\n  host: db.dev\n  port: 5432\n');
  const { doc, unresolved } = resolveVariables(
    { host: '${file(./config.${opt:stage}.yml):db.host}', port: '${file(config.dev.yml):db.port}', gone: '${file(./nope.yml):x}' },
    ctx({ baseDir: dir }),
  );
  assert.deepEqual(doc, { host: 'db.dev', port: 5432 });
  assert.deepEqual(unresolved.map((u) => u.path), ['gone']);
});
