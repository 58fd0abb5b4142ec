// fn build against a real registry (Debian's docker-registry on loopback) with a real Node base
// image: push, reproducibility, multi-arch, OCI layout, the CLI's output, and each bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, freePort, type TestRegistry } from '../support/registry.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { buildFunction } from '../../src/build/index.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { tempDir, tsFunction, runFn, removeAll, registryManifest, TS_HANDLER } from './fixtures.js';

let reg: TestRegistry;
let base: string;
let multiBase: string;
let baseLayer: string;
const temps: string[] = [];
let cache: string;

before(async () => {
  reg = await startRegistry();
  base = (await ensureTestBaseImage(reg.host)).reference;
  multiBase = (await ensureTestBaseImage(reg.host, { multiArch: true })).reference;
  const m = await registryManifest(reg.host, 'fnkit-test/node-base', base.split(':').pop()!);
  baseLayer = m.json.layers[0].digest;
  cache = join(await tempDir('build-cache'), 'blobs');
  temps.push(join(cache, '..'));
});
after(async () => {
  await reg?.stop();
  await removeAll(temps);
});

async function fnDir(extra: Record<string, string> = {}, buildYaml = '', baseRef = base): Promise<string> {
  const dir = await tempDir('build-fn');
  temps.push(dir);
  return tsFunction(dir, baseRef, extra, buildYaml);
}

test('push a TypeScript function: manifest = base layers + one function layer, config set for Knative', async () => {
  const dir = await fnDir();
  const steps: string[] = [];
  const details: Record<string, any> = {};
  const r = await buildFunction(await loadFunction(dir), { image: `${reg.host}/hello-ts:v1`, push: true, cacheDir: cache, onProgress: (s, d) => { steps.push(s); details[s] = d; } });
  // the base lives on the same registry: its layer is mounted from its repository, never re-uploaded
  assert.equal(details.pushed.mounted, 1);
  assert.equal(r.reference, `${reg.host}/hello-ts@${r.digest}`);
  assert.deepEqual(r.platforms, ['linux/amd64']);
  assert.equal(r.layers.length, 3, 'the shared fnkit runtime, its V8 code cache, then the function\'s own layer');
  assert.match(r.layers[0]!.description, /fnkit .* runtime/);
  assert.match(r.layers[1]!.description, /^V8 code cache of the fnkit runtime for node v\d+\.\d+\.\d+ /, 'made by the base\'s own node');
  assert.ok(r.layers[2]!.size < 100 * 1024, `the function's own layer is small (${r.layers[2]!.size} bytes)`);
  assert.deepEqual(steps.filter((s) => ['resolve base', 'bundle', 'assemble', 'push'].includes(s)), ['resolve base', 'bundle', 'assemble', 'push']);
  const tagged = await registryManifest(reg.host, 'hello-ts', 'v1');
  assert.equal(tagged.digest, r.digest);
  assert.deepEqual(tagged.json.layers.map((l: any) => l.digest), [baseLayer, ...r.layers.map((l) => l.digest)]);
  const configRes = await fetch(`${reg.url}/v2/hello-ts/blobs/${tagged.json.config.digest}`);
  const config = (await configRes.json()) as any;
  // a plain handler bundles as CommonJS: node 20 starts that entry sooner (test/build/function-entry.test.ts)
  assert.deepEqual(config.config.Entrypoint, ['node', '/app/main.cjs']);
  assert.equal(config.config.Cmd, undefined);
  assert.ok(config.config.Env.includes('NODE_ENV=production'));
  // the test base's node is this machine's Node 20 (it declares no NODE_VERSION; the code cache
  // run tells): no V8 flag in NODE_OPTIONS, which would make Node 20 refuse its built-in code cache
  assert.ok(!config.config.Env.some((e: string) => e.startsWith('NODE_OPTIONS=')), config.config.Env.join(' '));
  assert.ok(config.config.Env.includes('PORT=8080'));
  assert.match(config.config.User, /^[1-9]\d*(:\d+)?$/);
  assert.equal(config.config.WorkingDir, '/app');
  assert.deepEqual(config.config.ExposedPorts, { '8080/tcp': {} });
  assert.equal(config.created, '1970-01-01T00:00:00Z');
  assert.equal(config.config.Labels['org.opencontainers.image.title'], 'hello-ts');
  assert.equal(config.rootfs.diff_ids.length, 4);
  assert.equal(config.history.at(-1).created_by, 'fn build');
});

test('reproducible: the same sources give the same digest and a re-push uploads nothing', async () => {
  const dir = await fnDir();
  const spec = await loadFunction(dir);
  const a = await buildFunction(spec, { image: `${reg.host}/repro:1`, push: true, cacheDir: cache });
  const pushed: Record<string, unknown>[] = [];
  const b = await buildFunction(spec, { image: `${reg.host}/repro:1`, push: true, cacheDir: cache, onProgress: (s, d) => s === 'pushed' && pushed.push(d!) });
  assert.equal(b.digest, a.digest);
  assert.equal(pushed[0]!.uploaded, 0);
  // another folder with the same files: same digest (no absolute paths or host facts leak in)
  const d = await buildFunction(await loadFunction(await fnDir()), { image: `${reg.host}/repro:1`, cacheDir: cache });
  assert.equal(d.digest, a.digest);
  // a fresh cache (no bundle memo, cold esbuild, no layer cache) gives the same bytes in every
  // layer but the V8 code cache, which a training run makes anew (docs/build.md, "Reproducible")
  const fresh = async () => {
    const f = join(await tempDir('build-cache2'), 'blobs');
    temps.push(join(f, '..'));
    return f;
  };
  const c = await buildFunction(spec, { image: `${reg.host}/repro:1`, cacheDir: await fresh() });
  const stable = (r: typeof a) => r.layers.filter((l) => !/V8 code cache/.test(l.description)).map((l) => l.digest);
  assert.deepEqual(stable(c), stable(a));
  assert.equal(c.layers.length, a.layers.length);
  // with build.codeCache: false, a fresh cache gives the very same image
  const off = await loadFunction(await fnDir({}, '  codeCache: false\n'));
  const e = await buildFunction(off, { image: `${reg.host}/repro:1`, cacheDir: cache });
  const f = await buildFunction(off, { image: `${reg.host}/repro:1`, cacheDir: await fresh() });
  assert.equal(f.digest, e.digest);
  assert.equal(e.layers.length, 2, 'runtime and function only');
});

test('reproducible: one changed character gives a new function layer and digest, the base layer stays', async () => {
  const one = await buildFunction(await loadFunction(await fnDir()), { cacheDir: cache });
  const two = await buildFunction(await loadFunction(await fnDir({ 'index.ts': TS_HANDLER.replace('hello from fnkit', 'hello from fnkiT') })), { cacheDir: cache });
  assert.notEqual(two.digest, one.digest);
  assert.notEqual(two.layers.at(-1)!.digest, one.layers.at(-1)!.digest);
  assert.equal(two.layers[0]!.digest, one.layers[0]!.digest, 'the runtime layer does not change with the function');
});

test('SOURCE_DATE_EPOCH stamps created and changes the digest', async () => {
  const dir = await fnDir();
  const spec = await loadFunction(dir);
  const zero = await buildFunction(spec, { cacheDir: cache });
  const layoutDir = join(dir, 'oci');
  const dated = await buildFunction(spec, { cacheDir: cache, sourceDateEpoch: 1_767_225_600, layout: layoutDir });
  assert.notEqual(dated.digest, zero.digest);
  const manifest = JSON.parse(await readFile(join(layoutDir, 'blobs', 'sha256', dated.digest.slice(7)), 'utf8'));
  const config = JSON.parse(await readFile(join(layoutDir, 'blobs', 'sha256', manifest.config.digest.slice(7)), 'utf8'));
  assert.equal(config.created, '2026-01-01T00:00:00Z');
  assert.equal(manifest.annotations['org.opencontainers.image.created'], '2026-01-01T00:00:00Z');
});

test('OCI layout: oci-layout, index.json with the tag, every blob named by its sha256', async () => {
  const dir = await fnDir({ 'templates/page.html': '<h1>hi</h1>', '.env': 'SECRET=1' }, '  include: ["templates/**", "*.env"]\n');
  const out = join(dir, 'layout');
  const r = await buildFunction(await loadFunction(dir), { image: `${reg.host}/layout-test:7`, layout: out, cacheDir: cache });
  assert.deepEqual(JSON.parse(await readFile(join(out, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
  const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
  assert.equal(index.manifests.length, 1);
  assert.equal(index.manifests[0].digest, r.digest);
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], '7');
  const blobs = await readdir(join(out, 'blobs', 'sha256'));
  assert.equal(blobs.length, 6, 'base layer, runtime layer, code cache layer, function layer, config, manifest');
  for (const b of blobs) {
    const data = await readFile(join(out, 'blobs', 'sha256', b));
    assert.equal(createHash('sha256').update(data).digest('hex'), b);
  }
  assert.match(r.layers.at(-1)!.description, /1 included file/, 'templates/page.html in; .env never matched by a glob');
});

test('multi-arch base: an index with amd64 and arm64 manifests sharing the function layer', async () => {
  const dir = await fnDir({}, '', multiBase);
  const r = await buildFunction(await loadFunction(dir), { image: `${reg.host}/multi:1`, push: true, cacheDir: cache });
  assert.deepEqual(r.platforms, ['linux/amd64', 'linux/arm64/v8']);
  const index = await registryManifest(reg.host, 'multi', '1');
  assert.equal(index.json.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.deepEqual(index.json.manifests.map((m: any) => m.platform.architecture), ['amd64', 'arm64']);
  const layers = await Promise.all(index.json.manifests.map(async (m: any) => (await registryManifest(reg.host, 'multi', m.digest)).json.layers.at(-1).digest));
  assert.equal(layers[0], layers[1]);
  assert.equal(layers[0], r.layers.at(-1)!.digest);
  const one = await buildFunction(await loadFunction(dir), { platforms: ['linux/amd64'], cacheDir: cache });
  assert.deepEqual(one.platforms, ['linux/amd64']);
  await assert.rejects(buildFunction(await loadFunction(dir), { platforms: ['linux/s390x'], cacheDir: cache }), {
    code: 'FN_ERR_BASE_PLATFORM', message: /has no linux\/s390x image \(it has linux\/amd64\/?.*linux\/arm64/,
  });
});

test('bad input: unknown base, and nothing is tagged', async () => {
  const dir = await fnDir({}, '', `${reg.host}/fnkit-test/no-such-base:1`);
  await assert.rejects(buildFunction(await loadFunction(dir), { image: `${reg.host}/never-a:1`, push: true, cacheDir: cache }), {
    code: 'FN_ERR_BASE_NOT_FOUND', message: /no-such-base:1/,
  });
  assert.equal(await registryManifest(reg.host, 'never-a', '1'), undefined);
});

test('bad input: registry down names host:port', async () => {
  const port = await freePort();
  const dir = await fnDir();
  await assert.rejects(buildFunction(await loadFunction(dir), { image: `127.0.0.1:${port}/x:1`, push: true, cacheDir: cache }), (err: any) => {
    assert.equal(err.code, 'FN_ERR_REGISTRY_UNREACHABLE');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    return true;
  });
});

test('bad input: a missing handler file fails before any network access', async () => {
  const port = await freePort();
  const dir = await fnDir({}, '', `127.0.0.1:${port}/base:1`);
  await writeFile(join(dir, 'fn.yaml'), `name: hello-ts\nhandler: src/missing.ts\nbuild:\n  base: 127.0.0.1:${port}/base:1\n`);
  await assert.rejects(buildFunction(await loadFunction(dir), { cacheDir: cache }), {
    code: 'FN_ERR_HANDLER_NOT_FOUND', message: /handler file src\/missing.ts does not exist/,
  });
});

test('bad input: arm64 from a single-platform amd64 base, push without an image name', async () => {
  const dir = await fnDir();
  await assert.rejects(buildFunction(await loadFunction(dir), { platforms: ['linux/arm64'], cacheDir: cache }), {
    code: 'FN_ERR_BASE_PLATFORM', message: /single linux\/amd64 image; it cannot make linux\/arm64/,
  });
  await assert.rejects(buildFunction(await loadFunction(dir), { push: true, cacheDir: cache }), { code: 'FN_ERR_BUILD_NO_IMAGE' });
  await assert.rejects(buildFunction(await loadFunction(dir), { platforms: ['amd64'], cacheDir: cache }), { code: 'FN_ERR_PLATFORM' });
});

test('an interrupted push leaves no tag claiming to be the image', async () => {
  const dir = await fnDir({ 'index.ts': TS_HANDLER.replace('hello', 'interrupted') });
  const controller = new AbortController();
  await assert.rejects(buildFunction(await loadFunction(dir), {
    image: `${reg.host}/interrupted:1`, push: true, cacheDir: cache, signal: controller.signal,
    onProgress: (step) => { if (step === 'push') controller.abort(new Error('stop')); },
  }));
  assert.equal(await registryManifest(reg.host, 'interrupted', '1'), undefined);
});

test('CLI: stdout is the digest-pinned reference; -o json is one document; errors exit 1 with a hint', async () => {
  const dir = await fnDir();
  const human = await runFn(['build', dir, '--image', `${reg.host}/cli-test:1`, '--push'], { env: { XDG_CACHE_HOME: join(cache, '..') } });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^${reg.host.replace(/\./g, '\\.')}/cli-test@sha256:[0-9a-f]{64}\\n$`));
  assert.match(human.stderr, /resolving base/);
  assert.match(human.stderr, /built hello-ts \(linux\/amd64\) in \d+ ms/);
  const json = await runFn(['build', dir, '--image', `${reg.host}/cli-test:1`, '--push', '-o', 'json'], { env: { XDG_CACHE_HOME: join(cache, '..') } });
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.reference, human.stdout.trim());
  assert.equal(json.stderr, '');
  const bad = await runFn(['build', dir, '--platform', 'linux'], { env: { XDG_CACHE_HOME: join(cache, '..') } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /"linux" is not a platform.*\[FN_ERR_PLATFORM\]/);
  const epoch = await runFn(['build', dir], { env: { XDG_CACHE_HOME: join(cache, '..'), SOURCE_DATE_EPOCH: 'yesterday' } });
  assert.equal(epoch.code, 1);
  assert.match(epoch.stderr, /SOURCE_DATE_EPOCH must be a whole number of seconds/);
});

test('an independent reader agrees: skopeo inspects the OCI layout and the pushed image', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const exec = promisify(execFile);
  const dir = await fnDir();
  const out = join(dir, 'oci');
  const r = await buildFunction(await loadFunction(dir), { image: `${reg.host}/skopeo-check:2`, layout: out, push: true, cacheDir: cache, platforms: ['linux/amd64'] });
  const fromLayout = JSON.parse((await exec('skopeo', ['inspect', `oci:${out}:2`])).stdout);
  assert.equal(fromLayout.Digest, r.digest);
  assert.equal(fromLayout.Architecture, 'amd64');
  assert.equal(fromLayout.Layers.length, 4);
  assert.equal(fromLayout.Labels['org.opencontainers.image.title'], 'hello-ts');
  const fromRegistry = JSON.parse((await exec('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/skopeo-check:2`])).stdout);
  assert.equal(fromRegistry.Digest, r.digest);
  assert.deepEqual(fromRegistry.Layers, fromLayout.Layers);
});

test('a warm build downloads nothing: with the base pinned by digest it works with the registry gone', async () => {
  const own = await startRegistry();
  let stopped = false;
  try {
    const b = await ensureTestBaseImage(own.host);
    const pinned = `${b.reference.replace(/:[^:/]+$/, '')}@${b.digest}`;
    const dir = await fnDir({}, '', pinned);
    const ownCache = join(await tempDir('offline-cache'), 'blobs');
    temps.push(join(ownCache, '..'));
    const first = await buildFunction(await loadFunction(dir), { layout: join(dir, 'oci1'), cacheDir: ownCache });
    await own.stop();
    stopped = true;
    const second = await buildFunction(await loadFunction(dir), { layout: join(dir, 'oci2'), cacheDir: ownCache });
    assert.equal(second.digest, first.digest);
  } finally {
    if (!stopped) await own.stop();
  }
});

test('a Docker schema 2 base (as many registries still serve) gives a Docker manifest the registry accepts', async () => {
  const { RegistryClient } = await import('../../src/registry/client.js');
  const { parseReference } = await import('../../src/registry/reference.js');
  const mt = await import('../../src/registry/media-types.js');
  const client = new RegistryClient({ cacheDir: false });
  try {
    const oci = await registryManifest(reg.host, 'fnkit-test/node-base', base.split(':').pop()!);
    const docker = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: mt.DOCKER_MANIFEST,
      config: { ...oci.json.config, mediaType: mt.DOCKER_CONFIG },
      layers: oci.json.layers.map((l: any) => ({ ...l, mediaType: mt.DOCKER_LAYER_GZIP })),
    }));
    await client.putManifest(parseReference(`${reg.host}/fnkit-test/node-base:docker`), mt.DOCKER_MANIFEST, docker);
  } finally {
    client.close();
  }
  const dir = await fnDir({}, '', `${reg.host}/fnkit-test/node-base:docker`);
  const r = await buildFunction(await loadFunction(dir), { image: `${reg.host}/docker-family:1`, push: true, cacheDir: cache });
  assert.equal(r.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  const pushed = await registryManifest(reg.host, 'docker-family', '1');
  assert.equal(pushed.digest, r.digest);
  assert.deepEqual([...new Set(pushed.json.layers.map((l: any) => l.mediaType))], ['application/vnd.docker.image.rootfs.diff.tar.gzip']);
  assert.equal(pushed.json.config.mediaType, 'application/vnd.docker.container.image.v1+json');
});

test('Lambda custom runtime (provided.*): the bootstrap executable is required and shipped executable', async () => {
  const { chmod } = await import('node:fs/promises');
  const dir = await fnDir({ 'function.sh': 'handler () { echo "{}"; }\n', 'bootstrap': '#!/bin/sh\nexec true\n' });
  await writeFile(join(dir, 'fn.yaml'), `name: custom-rt\nruntime: lambda\nhandler: function.handler\nlambda:\n  awsRuntime: provided.al2023\nbuild:\n  base: ${base}\n`);
  await assert.rejects(buildFunction(await loadFunction(dir), { cacheDir: cache }), { code: 'FN_ERR_HANDLER_NOT_FOUND', message: /needs an executable file "bootstrap".*not executable/ });
  await chmod(join(dir, 'bootstrap'), 0o755);
  const out = join(dir, 'oci');
  const r = await buildFunction(await loadFunction(dir), { cacheDir: cache, layout: out });
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const listing = (await promisify(execFile)('tar', ['-tvzf', join(out, 'blobs', 'sha256', r.layers.at(-1)!.digest.slice(7))])).stdout;
  assert.match(listing, /^-rwxr-xr-x 0\/0 .* var\/task\/bootstrap$/m);
  assert.match(listing, /^-rw-r--r-- 0\/0 .* var\/task\/function\.sh$/m);
});
