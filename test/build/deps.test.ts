// The dependencies layer, with real npm: packages the bundle cannot hold (a native addon here)
// installed from the lockfile with production deps only, the wrong-architecture addon error,
// per-platform prebuilds, Lambda's whole production tree, and the lockfile rules. The vendored
// packages are local tarballs, so npm never needs the network.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { startRegistry, freePort, type TestRegistry } from '../support/registry.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { buildFunction } from '../../src/build/index.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { makeLayer } from '../../src/build/layer.js';
import { tempDir, writeTree, removeAll } from './fixtures.js';

const exec = promisify(execFile);
let reg: TestRegistry;
let base: string;
let multiBase: string;
let cache: string;
const temps: string[] = [];

function elf(machine: number): string {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  b.writeUInt16LE(machine, 18);
  return b.toString('latin1');
}
const X86_64 = 0x3e;
const AARCH64 = 0xb7;

/** An npm tarball (package/...) made with fnkit's own layer writer: no npm pack needed. */
async function packTarball(file: string, files: Record<string, string>): Promise<void> {
  const layer = makeLayer(Object.entries(files).map(([p, text]) => ({ path: `package/${p}`, type: 'file' as const, data: Buffer.from(text, 'latin1') })), 0, 'pkg');
  await writeFile(file, layer.blob);
}

interface FixtureOpts { addon: Record<string, string>; runtime?: 'node' | 'lambda'; platforms?: string[]; baseRef?: string }

/** A function importing a native package (fakeaddon) and a plain one (otherdep), plus a dev-only one. */
async function fixture(o: FixtureOpts): Promise<string> {
  const dir = await tempDir('deps-fn');
  temps.push(dir);
  await mkdir(join(dir, 'vendor'));
  await packTarball(join(dir, 'vendor', 'fakeaddon-1.0.0.tgz'), {
    'package.json': JSON.stringify({ name: 'fakeaddon', version: '1.0.0', main: 'index.js' }),
    'index.js': "module.exports = { kind: 'fake-addon' };\n",
    ...o.addon,
  });
  await packTarball(join(dir, 'vendor', 'otherdep-1.0.0.tgz'), {
    'package.json': JSON.stringify({ name: 'otherdep', version: '1.0.0', main: 'index.js' }),
    'index.js': "module.exports = 'other';\n",
  });
  await packTarball(join(dir, 'vendor', 'devonly-1.0.0.tgz'), {
    'package.json': JSON.stringify({ name: 'devonly', version: '1.0.0', main: 'index.js' }),
    'index.js': "module.exports = 'dev';\n",
  });
  const lambda = o.runtime === 'lambda';
  await writeTree(dir, {
    'fn.yaml': `name: deps-fn\nruntime: ${lambda ? 'lambda' : 'node'}\nhandler: ${lambda ? 'index.handler' : 'index.ts'}\nbuild:\n  base: ${o.baseRef ?? base}\n${o.platforms ? `  platforms: [${o.platforms.join(', ')}]\n` : ''}`,
    'package.json': JSON.stringify({
      name: 'deps-fn', version: '1.0.0', private: true,
      dependencies: { fakeaddon: 'file:vendor/fakeaddon-1.0.0.tgz', otherdep: 'file:vendor/otherdep-1.0.0.tgz' },
      devDependencies: { devonly: 'file:vendor/devonly-1.0.0.tgz' },
    }),
    ...(lambda
      ? { 'index.js': "const a = require('fakeaddon'); exports.handler = async () => ({ statusCode: 200, body: a.kind });\n" }
      : { 'index.ts': "import addon from 'fakeaddon';\nimport other from 'otherdep';\nexport default () => ({ addon: addon.kind, other });\n" }),
  });
  await exec('npm', ['install', '--no-audit', '--no-fund', '--offline', '--loglevel=error'], { cwd: dir });
  return dir;
}

function tarPaths(blob: Buffer): string[] {
  const tar = gunzipSync(blob);
  const out: string[] = [];
  for (let off = 0; off + 512 <= tar.length; ) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
    const prefix = h.subarray(345, 500).toString().replace(/\0.*$/s, '');
    const size = parseInt(h.subarray(124, 136).toString().replace(/\0.*$/s, '').trim() || '0', 8);
    out.push(prefix ? `${prefix}/${name}` : name);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

before(async () => {
  reg = await startRegistry();
  base = (await ensureTestBaseImage(reg.host)).reference;
  multiBase = (await ensureTestBaseImage(reg.host, { multiArch: true })).reference;
  cache = join(await tempDir('deps-cache'), 'blobs');
  temps.push(join(cache, '..'));
});
after(async () => {
  await reg?.stop();
  await removeAll(temps);
});

test('a native package goes into its own layer (closure only, no dev deps) and the image root runs', async () => {
  const dir = await fixture({ addon: { 'build/Release/addon.node': elf(X86_64) } });
  const layout = join(dir, 'oci');
  const r = await buildFunction(await loadFunction(dir), { layout, cacheDir: cache, platforms: ['linux/amd64'] });
  assert.equal(r.layers.length, 4);
  const [runtimeLayer, cacheLayer, depsLayer, fnLayer] = r.layers;
  assert.match(cacheLayer!.description, /V8 code cache/);
  assert.match(depsLayer!.description, /dependencies: fakeaddon/);
  const deps = tarPaths(await readFile(join(layout, 'blobs', 'sha256', depsLayer!.digest.slice(7))));
  assert.ok(deps.includes('app/node_modules/fakeaddon/build/Release/addon.node'));
  assert.ok(deps.includes('app/node_modules/fakeaddon/index.js'));
  assert.ok(!deps.some((p) => p.includes('otherdep')), 'otherdep is bundled, not installed');
  assert.ok(!deps.some((p) => p.includes('devonly')), 'dev dependencies never ship');
  const manifest = JSON.parse(await readFile(join(layout, 'blobs', 'sha256', r.digest.slice(7)), 'utf8'));
  assert.deepEqual(manifest.layers.slice(-4).map((l: any) => l.digest), [runtimeLayer!.digest, cacheLayer!.digest, depsLayer!.digest, fnLayer!.digest], 'runtime, code cache, deps, function: least often changed first');

  // unpack our two layers and run the entrypoint on this machine: /app/main.mjs finds /app/node_modules
  const root = join(dir, 'root');
  await mkdir(root);
  for (const l of [runtimeLayer!, cacheLayer!, depsLayer!, fnLayer!]) await exec('tar', ['-xzf', join(layout, 'blobs', 'sha256', l.digest.slice(7)), '-C', root]);
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', join(root, 'app', 'main.mjs')], { env: { ...process.env, PORT: String(port), NODE_ENV: 'production' }, stdio: 'ignore' });
  try {
    let body: unknown;
    for (let i = 0; i < 100 && body === undefined; i++) {
      body = await fetch(`http://127.0.0.1:${port}/`).then((res) => res.json(), () => undefined);
      if (body === undefined) await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(body, { addon: 'fake-addon', other: 'other' });
  } finally {
    child.kill('SIGKILL');
  }

  // the deps layer is cached by its inputs: a rebuild gives the same layer without npm
  const again = await buildFunction(await loadFunction(dir), { cacheDir: cache, platforms: ['linux/amd64'] });
  assert.equal(again.layers[2]!.digest, depsLayer!.digest);
  assert.equal(again.layers.length, 4);
  assert.equal(again.digest, r.digest);
});

test('a native addon built for another architecture is an error naming the file and both platforms', async () => {
  const dir = await fixture({ addon: { 'build/Release/addon.node': elf(AARCH64) } });
  await assert.rejects(buildFunction(await loadFunction(dir), { cacheDir: cache }), (err: any) => {
    assert.equal(err.code, 'FN_ERR_NATIVE_ARCH');
    assert.match(err.message, /node_modules\/fakeaddon\/build\/Release\/addon.node is built for linux\/arm64, but the image is for linux\/amd64/);
    assert.match(err.hint, /prebuilt binaries per platform/);
    return true;
  });
});

test('multi-arch: an addon compiled for amd64 only fails for arm64; per-platform prebuilds pass both', async () => {
  const compiled = await fixture({ addon: { 'build/Release/addon.node': elf(X86_64) }, baseRef: multiBase });
  await assert.rejects(buildFunction(await loadFunction(compiled), { cacheDir: cache }), { code: 'FN_ERR_NATIVE_ARCH', message: /built for linux\/amd64, but the image is for linux\/arm64/ });
  const prebuilt = await fixture({
    addon: { 'prebuilds/linux-x64/addon.node': elf(X86_64), 'prebuilds/linux-arm64/addon.node': elf(AARCH64) },
    baseRef: multiBase,
  });
  const r = await buildFunction(await loadFunction(prebuilt), { cacheDir: cache });
  assert.deepEqual(r.platforms, ['linux/amd64', 'linux/arm64/v8']);
  assert.equal(r.layers.length, 4, 'runtime, the amd64 code cache (this machine cannot run the arm64 node), one deps layer shared by both platforms (same files), function');
});

test('Lambda: every production dependency is installed at /var/task/node_modules', async () => {
  const dir = await fixture({ addon: { 'build/Release/addon.node': elf(X86_64) }, runtime: 'lambda' });
  const layout = join(dir, 'oci');
  const r = await buildFunction(await loadFunction(dir), { layout, cacheDir: cache });
  const deps = r.layers.find((l) => /production/.test(l.description))!;
  const paths = tarPaths(await readFile(join(layout, 'blobs', 'sha256', deps.digest.slice(7))));
  assert.ok(paths.includes('var/task/node_modules/fakeaddon/index.js'));
  assert.ok(paths.includes('var/task/node_modules/otherdep/index.js'));
  assert.ok(!paths.some((p) => p.includes('devonly')));
  const fn = r.layers.at(-1)!;
  const fnPaths = tarPaths(await readFile(join(layout, 'blobs', 'sha256', fn.digest.slice(7))));
  assert.ok(fnPaths.includes('var/task/index.js'));
  assert.ok(!fnPaths.some((p) => p.includes('node_modules/') || p.includes('package-lock')), 'dependencies come from the lockfile install, not the working copy');
});

test('lockfile rules: no lockfile, or an external package not in dependencies, is a clear error', async () => {
  const dir = await fixture({ addon: { 'build/Release/addon.node': elf(X86_64) } });
  await rm(join(dir, 'package-lock.json'));
  await assert.rejects(buildFunction(await loadFunction(dir), { cacheDir: cache }), { code: 'FN_ERR_DEPS_NO_LOCKFILE', message: /has no package-lock.json/ });
  const dir2 = await fixture({ addon: {} });
  await writeFile(join(dir2, 'fn.yaml'), (await readFile(join(dir2, 'fn.yaml'), 'utf8')) + '  external: [left-pad]\n');
  await assert.rejects(buildFunction(await loadFunction(dir2), { cacheDir: cache }), { code: 'FN_ERR_DEPS_UNDECLARED', message: /left-pad must be installed beside the bundle but is not in "dependencies"/ });
});
