import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bakedEnv, defaultsModuleSource, entrySource, invokerDefaults, lambdaOptions } from './bundle-entry.js';
import { hostEntrySource } from './bundle-dev.js';
import { parseFunction } from '../config/fn-yaml.js';
import { fnkitPaths } from './bundle-paths.js';

const paths = fnkitPaths();

test('invokerDefaults carries fn.yaml settings in the invoker\'s own names', () => {
  const spec = parseFunction('name: s\ntimeout: 1500ms\ninvoker: { bodyLimit: 1kb, reservedPrefix: /.fn, cloudevents: { replyMode: binary } }\n', '/f/s/fn.yaml');
  assert.deepEqual(invokerDefaults(spec, 'production'), {
    timeoutMs: 1500, bodyLimit: 1024, reservedPrefix: '/.fn', dev: false, ceReplyMode: 'binary', ceReplyType: 's.reply', ceReplySource: '/fn/s',
  });
  assert.equal(invokerDefaults(spec, 'dev').dev, true);
});

test('fn.yaml env becomes ??= defaults, safely quoted', () => {
  const spec = parseFunction('name: s\nenv: { A: "x\\"y", B: 2 }\n', '/f/s/fn.yaml');
  assert.deepEqual(bakedEnv(spec), { A: 'x"y', B: '2' });
  const src = defaultsModuleSource(bakedEnv(spec));
  const env: Record<string, string | undefined> = { B: 'explicit' };
  new Function('process', src)({ env });
  assert.deepEqual(env, { A: 'x"y', B: 'explicit' });
});

test('entrySource: node bundles the user module, lambda only the runtime', () => {
  const node = entrySource(parseFunction('name: n\nhandler: src/main.ts\n', '/f/n/fn.yaml'), 'dev', paths);
  assert.match(node, /import \* as userModule from "\/f\/n\/src\/main\.ts"/);
  assert.match(node, /nodeRuntime\(userModule, \{ dev: true \}\)/);
  assert.ok(node.indexOf('fnkit:defaults') < node.indexOf('invoker'), 'env defaults are evaluated first');
  const spec = parseFunction('name: l\nruntime: lambda\nhandler: app.handler\ntimeout: 10\nenv: { TZ: UTC }\n', '/f/l/fn.yaml');
  const lambda = entrySource(spec, 'production', paths);
  assert.deepEqual({ ...lambdaOptions(spec), config: undefined }, { handler: 'app.handler', name: 'l', timeout: 10, config: undefined, env: { TZ: 'UTC' } });
  assert.ok(lambda.includes(`lambdaRuntime(${JSON.stringify(lambdaOptions(spec))})`));
  assert.ok(hostEntrySource(spec, paths).includes(`lambdaRuntime(${JSON.stringify(lambdaOptions(spec))})`), 'fn run passes the same options');
  assert.doesNotMatch(lambda, /userModule/);
});
