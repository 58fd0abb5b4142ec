// The V8 code cache fn build adds (src/build/code-cache.ts): made by a training run with the
// image's node, taken by that node under the same flags, refused (and the function still
// served) under other flags, a corrupt file or none at all; kept in the layer cache so a rebuild
// trains nothing; a failed training run is a reason, not a failed build. This machine's node
// stands in for the base image's (test/build/podman.test.ts runs a real image with it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_CACHE, RUNTIME_DIR, SEMI_SPACE_CAP, functionBundle, runtimeBundle } from '../../src/build/image-bundle.js';
import { codeCacheLayer, runTraining } from '../../src/build/code-cache.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { startBuilt } from '../support/built-function.js';

/** The flags the cache is made and run under: the image's young-generation cap (a V8 flag). */
const FLAGS = SEMI_SPACE_CAP;
let dir: string;
let app: string;
const cacheFile = () => join(app, RUNTIME_DIR, CODE_CACHE);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fn-code-cache-'));
  await writeFile(join(dir, 'fn.yaml'), 'name: cached\nruntime: node\nhandler: index.ts\n');
  await writeFile(join(dir, 'index.ts'), "export default (req: { path: string }) => ({ path: req.path });\n");
  app = join(dir, 'app');
  const spec = await loadFunction(dir);
  await runtimeBundle(spec, app);
  entry = join(app, (await functionBundle(spec, app)).entry!);
});
after(() => rm(dir, { recursive: true, force: true }));

let entry: string;

/** Starts the built function with `nodeOptions`, asks GET /x; returns the ready line and the answer. */
async function start(nodeOptions: string, entryFile = entry, env: Record<string, string> = {}): Promise<{ ready: Record<string, unknown>; body: unknown }> {
  const fn = await startBuilt(entryFile, { NODE_OPTIONS: nodeOptions, ...env });
  try {
    const res = await fetch(`${fn.url}/x`);
    return { ready: fn.ready, body: await res.json() };
  } finally {
    fn.stop();
  }
}

test('training run: the cache it writes is taken by the same node under the same NODE_OPTIONS', async () => {
  const failed = await runTraining(process.execPath, join(app, RUNTIME_DIR), cacheFile(), FLAGS);
  assert.equal(failed, undefined);
  assert.ok((await readFile(cacheFile())).length > 100_000, 'the cache holds the bytecode of what ran, not only the top level');
  const r = await start(FLAGS);
  assert.equal(r.ready.codeCache, 'accepted');
  assert.deepEqual(r.body, { path: '/x' });
});

test('other flags, a corrupt cache, no cache: V8 refuses it and the function is served all the same', async () => {
  await runTraining(process.execPath, join(app, RUNTIME_DIR), cacheFile(), FLAGS);
  // a flag V8 counts in the cache's check on Node 20 and 24 alike (the semi-space size is one on
  // 20 only)
  const other = await start(`${FLAGS} --stack-trace-limit=20`);
  assert.equal(other.ready.codeCache, 'rejected');
  assert.deepEqual(other.body, { path: '/x' });

  await writeFile(cacheFile(), Buffer.alloc(4096, 7));
  const corrupt = await start(FLAGS);
  assert.equal(corrupt.ready.codeCache, 'rejected');
  assert.deepEqual(corrupt.body, { path: '/x' });

  await rm(cacheFile());
  const none = await start(FLAGS);
  assert.equal(none.ready.codeCache, 'none');
  assert.deepEqual(none.body, { path: '/x' });
});

test('codeCacheLayer: one file at app/fnkit/runtime.cjs.cache; a rebuild takes it from the layer cache without training', async (t) => {
  const layers = await mkdtemp(join(tmpdir(), 'fn-code-cache-layers-'));
  t.after(() => rm(layers, { recursive: true, force: true }));
  const { readdir } = await import('node:fs/promises');
  const files = [];
  for (const name of await readdir(join(app, RUNTIME_DIR), { recursive: true })) {
    const data = await readFile(join(app, RUNTIME_DIR, name)).catch(() => undefined);
    if (data && !name.endsWith(CODE_CACHE)) files.push({ rel: `${RUNTIME_DIR}/${name}`, data });
  }
  const inputs = { runtimeFiles: files, nodeOptions: FLAGS, appDir: 'app', epoch: 0, layerCacheDir: join(layers, 'layers'), cacheDir: join(layers, 'code-cache') };
  const first = await codeCacheLayer({ ...inputs, node: { path: process.execPath, version: process.version } });
  assert.ok('layer' in first, JSON.stringify(first));
  const { execFileSync } = await import('node:child_process');
  const tgz = join(layers, 'probe.tar.gz');
  await writeFile(tgz, first.layer.blob);
  assert.deepEqual(execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n').filter(Boolean), ['app/', 'app/fnkit/', 'app/fnkit/runtime.cjs.cache']);
  // a node that cannot run: only what was kept can answer
  const nowhere = { path: '/nonexistent/node', version: process.version };
  const again = await codeCacheLayer({ ...inputs, node: nowhere });
  assert.ok('layer' in again && again.layer.digest === first.layer.digest);
  // another epoch (SOURCE_DATE_EPOCH): the same trained bytes in a layer with other mtimes
  const later = await codeCacheLayer({ ...inputs, epoch: 1_700_000_000, node: nowhere });
  assert.ok('layer' in later, JSON.stringify(later));
  assert.notEqual(later.layer.digest, first.layer.digest);
  const cacheIn = async (blob: Buffer) => {
    await writeFile(tgz, blob);
    return execFileSync('tar', ['-xzOf', tgz, 'app/fnkit/runtime.cjs.cache']);
  };
  assert.ok((await cacheIn(later.layer.blob)).equals(await cacheIn(first.layer.blob)), 'the same trained bytes');
  // other flags or another runtime are another cache: training is needed, and this node cannot run
  const other = await codeCacheLayer({ ...inputs, nodeOptions: `${FLAGS} --stack-trace-limit=20`, node: nowhere });
  assert.ok('skip' in other && /training run failed/.test(other.skip), JSON.stringify(other));
  const changed = await codeCacheLayer({ ...inputs, runtimeFiles: [...files, { rel: 'fnkit/extra.cjs', data: Buffer.from('1') }], node: nowhere });
  assert.ok('skip' in changed, JSON.stringify(changed));
});

test('Lambda, ESM handler, isolation inline: import() works in runtime code that came from the cache', async (t) => {
  const fn = await mkdtemp(join(tmpdir(), 'fn-code-cache-lambda-'));
  t.after(() => rm(fn, { recursive: true, force: true }));
  await writeFile(join(fn, 'fn.yaml'), 'name: cached-esm\nruntime: lambda\nhandler: index.handler\nlambda:\n  isolation: inline\n');
  await writeFile(join(fn, 'index.mjs'), 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ esm: true, path: event.rawPath }) });\n');
  const out = join(fn, 'app');
  const spec = await loadFunction(fn);
  await runtimeBundle(spec, out);
  const lambdaEntry = join(out, (await functionBundle(spec, out)).entry!);
  assert.equal(await runTraining(process.execPath, join(out, RUNTIME_DIR), join(out, RUNTIME_DIR, CODE_CACHE), FLAGS), undefined);
  const r = await start(FLAGS, lambdaEntry, { LAMBDA_TASK_ROOT: fn });
  assert.equal(r.ready.codeCache, 'accepted');
  assert.deepEqual(r.body, { esm: true, path: '/x' });
});

test('a training run that fails is a reason naming the failure', async (t) => {
  const bad = await mkdtemp(join(tmpdir(), 'fn-code-cache-bad-'));
  t.after(() => rm(bad, { recursive: true, force: true }));
  const node = join(bad, 'node');
  await writeFile(node, '#!/bin/sh\necho "code cache training failed: no luck here" >&2\nexit 1\n');
  await chmod(node, 0o755);
  const failed = await runTraining(node, join(app, RUNTIME_DIR), join(bad, 'out'), undefined);
  assert.equal(failed, 'code cache training failed: no luck here');
});
