// The image's runtime part keeps fastify's rarely used packages (schema compilers, inject) out of
// the start-up path as separate CommonJS files; they must still load when something asks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFERRED_PACKAGES, LAZY_PACKAGES, RUNTIME_BUNDLE, RUNTIME_DIR, deferredRequirePlugin, findMyWayChecksPlugin, lazyBuiltinPlugin, runtimeBundle } from '../../src/build/image-bundle.js';
import { loadFunction } from '../../src/config/fn-yaml.js';

test('runtime part: lazy packages live beside the chunks, load by the path the bundle requires, and work', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-runtime-bundle-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'fn.yaml'), 'name: lazy\nruntime: node\nhandler: index.ts\n');
  await writeFile(join(dir, 'src', 'index.ts'), 'export default () => 1;\n');
  const out = join(dir, 'app');
  const part = await runtimeBundle(await loadFunction(join(dir, 'src')), out);

  // the start-up file: the one CommonJS bundle load.cjs compiles, strict as the ES modules it holds
  const invoker = await readFile(join(out, RUNTIME_DIR, RUNTIME_BUNDLE), 'utf8');
  assert.ok(invoker.startsWith('"use strict";'), invoker.slice(0, 40));
  const req = createRequire(join(out, RUNTIME_DIR, RUNTIME_BUNDLE));
  for (const name of LAZY_PACKAGES) {
    const m = invoker.match(new RegExp(`"(\\./lazy/[^"]*${name.split('/').pop()}\\.cjs)"`));
    assert.ok(m, `invoker.mjs requires ${name} by a relative path`);
    assert.ok(part.files.includes(join(out, RUNTIME_DIR, m[1]!)), `${m[1]} is one of the layer's files`);
    const mod = req(m[1]!);
    assert.equal(typeof mod, 'function', `${name} loads from its own file`);
  }
  // the packages' code is not in the start-up file (one of ajv's error messages is the marker)
  assert.ok(!invoker.includes('must NOT have additional properties'), 'ajv is not inside invoker.mjs');
  // deferred packages: beside the chunks too, and their code is not in the start-up file
  for (const name of new Set(Object.values(DEFERRED_PACKAGES).flat())) {
    const rel = `./lazy/${name.replace(/^@/, '').replace(/\//g, '__')}.cjs`;
    assert.ok(invoker.includes(JSON.stringify(rel)), `invoker.mjs requires ${name} as ${rel}`);
    assert.ok(part.files.includes(join(out, RUNTIME_DIR, rel)), `${rel} is one of the layer's files`);
    assert.notEqual(req(rel), undefined, `${name} loads from its own file`);
  }
  assert.ok(!invoker.includes('Invalid comparator'), 'semver is not inside invoker.mjs');
  // find-my-way's load-time regex checks ran at build time instead (findMyWayChecksPlugin)
  assert.ok(!invoker.includes('is not safe, update this module'), 'no find-my-way check left to load safe-regex2 at start');
  assert.equal(typeof (req('./lazy/semver.cjs') as { satisfies?: unknown }).satisfies, 'function');
  // invoker, node and Lambda runtimes together were ~580 KB when this was written
  assert.ok((await stat(join(out, RUNTIME_DIR, RUNTIME_BUNDLE))).size < 700_000);

  // inject (light-my-request) still drives a handler from the lazy file
  const inject = req('./lazy/light-my-request.cjs') as (fn: unknown, o: unknown) => Promise<{ statusCode: number; payload: string }>;
  const res = await inject((_q: unknown, s: { end(b: string): void }) => s.end('ok'), { method: 'GET', url: '/' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.payload, 'ok');
});

test('runtime part: each entry\'s ESM face re-exports its names from the one bundle, loaded once', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-runtime-faces-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'fn.yaml'), 'name: faces\nruntime: node\nhandler: index.ts\n');
  await writeFile(join(dir, 'index.ts'), 'export default () => 1;\n');
  const out = join(dir, 'app');
  const part = await runtimeBundle(await loadFunction(dir), out);
  for (const f of ['load.cjs', 'invoker.mjs', 'node.mjs', 'lambda.mjs', 'public.mjs']) assert.ok(part.files.includes(join(out, RUNTIME_DIR, f)), `${f} is one of the layer's files`);
  const probe = join(out, 'probe.mjs');
  await writeFile(probe, [
    "import { main } from './fnkit/invoker.mjs';",
    "import { nodeRuntime } from './fnkit/node.mjs';",
    "import { lambdaRuntime } from './fnkit/lambda.mjs';",
    "import { sse, HttpError } from './fnkit/public.mjs';",
    "import { createRequire } from 'node:module';",
    "const rt = createRequire(import.meta.url)('./fnkit/load.cjs');",
    // safe-regex2 is deferred and find-my-way's load-time checks ran at build time: not loaded
    "const loadedAtStart = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/lazy/'));",
    "console.log(JSON.stringify({ kinds: [main, nodeRuntime, lambdaRuntime, sse, HttpError].map((f) => typeof f), same: rt.api.sse === sse, cache: globalThis[Symbol.for('fnkit.codeCache')], loadedAtStart }));",
  ].join('\n'));
  const { execFileSync } = await import('node:child_process');
  const r = JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8' }));
  assert.deepEqual(r, { kinds: ['function', 'function', 'function', 'function', 'function'], same: true, cache: 'none', loadedAtStart: [] });
});

test('lazy built-ins: fastify/lib/server.js gets https and http2 only when it touches them', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-lazy-builtin-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const lib = join(dir, 'node_modules', 'fastify', 'lib');
  await mkdir(lib, { recursive: true });
  await writeFile(join(lib, 'server.js'), [
    "const https = require('node:https');",
    "const http2 = require('node:http2');",
    "const os = require('node:os');",
    'module.exports = { https, http2, os };',
  ].join('\n'));
  await writeFile(join(dir, 'entry.mjs'), [
    "import s from './node_modules/fastify/lib/server.js';",
    "const loaded = () => process.moduleLoadList.filter((m) => / (https|http2|tls)$/.test(m)).length;",
    'const before = loaded();',
    "const ok = typeof s.https.createServer === 'function' && 'constants' in s.http2 && Object.keys(s.http2).includes('createSecureServer');",
    "const real = s.https.Agent === (await import('node:https')).Agent;",
    'console.log(JSON.stringify({ before, after: loaded(), ok, real, osLoaded: typeof s.os.cpus }));',
  ].join('\n'));
  const r = await bundleAndRun(join(dir, 'entry.mjs'), join(dir, 'out.mjs'), lazyBuiltinPlugin());
  assert.equal(r.before, 0, 'nothing of https/http2/tls is loaded before first use');
  assert.ok(r.after >= 3, `https, http2 and tls load on first use (${r.after})`);
  assert.deepEqual({ ok: r.ok, real: r.real, osLoaded: r.osLoaded }, { ok: true, real: true, osLoaded: 'function' });
});

test('deferred packages: a stand-in loads the package on first property read, call or new, not before', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-deferred-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const [owner, names] = Object.entries(DEFERRED_PACKAGES).find(([, n]) => n.includes('semver'))!;
  assert.ok(names.includes('semver'));
  // a stand-in package with a load marker, required at the top of the file fastify requires it from
  const pkg = join(dir, 'node_modules', 'semver');
  await mkdir(pkg, { recursive: true });
  await writeFile(join(pkg, 'package.json'), '{ "name": "semver", "main": "index.js" }');
  await writeFile(join(pkg, 'index.js'), [
    'globalThis.loads = (globalThis.loads ?? 0) + 1;',
    'function semver(v) { return `called ${v}`; }',
    'semver.satisfies = (v) => v === "1.0.0";',
    'semver.Range = class Range { constructor(r) { this.r = r; } };',
    'module.exports = semver;',
  ].join('\n'));
  const ownerFile = join(dir, 'node_modules', owner);
  await mkdir(join(ownerFile, '..'), { recursive: true });
  await writeFile(ownerFile, "const semver = require('semver');\nmodule.exports = { semver };\n");
  await writeFile(join(dir, 'entry.mjs'), [
    `import o from './node_modules/${owner}';`,
    'const before = globalThis.loads ?? 0;',
    "const ok = o.semver.satisfies('1.0.0');",
    'const afterRead = globalThis.loads;',
    "const called = o.semver('x');",
    "const made = new o.semver.Range('^1');",
    'console.log(JSON.stringify({ before, afterRead, loads: globalThis.loads, ok, called, r: made.r, isRange: made instanceof o.semver.Range }));',
  ].join('\n'));
  // the package's own file beside the bundle, where the stand-in looks for it
  const esbuild = await import('esbuild');
  await esbuild.build({ entryPoints: [join(pkg, 'index.js')], outfile: join(dir, 'out', 'lazy', 'semver.cjs'), bundle: true, platform: 'node', format: 'cjs', logLevel: 'silent' });
  const r = await bundleAndRun(join(dir, 'entry.mjs'), join(dir, 'out', 'out.mjs'), deferredRequirePlugin());
  assert.deepEqual(r, { before: 0, afterRead: 1, loads: 1, ok: true, called: 'called x', r: '^1', isRange: true });
});

/** Bundles `entry` as the runtime part is bundled (ESM with a require), runs it, parses its one JSON line. */
test('find-my-way\'s load-time regex checks: run at build time and dropped; an unsafe regex fails the build', async (t) => {
  // under the repository, so the plugin's require of safe-regex2 finds the real package
  const dir = await mkdtemp(join(process.cwd(), '.tmp-fmw-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pkg = join(dir, 'node_modules', 'find-my-way');
  await mkdir(pkg, { recursive: true });
  // the repository's package.json says "type": "module"; find-my-way is CommonJS
  await writeFile(join(pkg, 'package.json'), '{ "name": "find-my-way", "type": "commonjs" }');
  const source = (re: string) => [
    "const isRegexSafe = () => { throw new Error('safe-regex2 loaded at run time') }",
    `const GOOD_REGEXP = /\\/\\/+/g`,
    `const OTHER_REGEXP = ${re}`,
    '',
    'if (!isRegexSafe(GOOD_REGEXP)) {',
    "  throw new Error('the GOOD_REGEXP is not safe, update this module')",
    '}',
    '',
    'if (!isRegexSafe(OTHER_REGEXP)) {',
    "  throw new Error('the OTHER_REGEXP is not safe, update this module')",
    '}',
    'module.exports = { ok: GOOD_REGEXP.test("a//b") && OTHER_REGEXP.source.length > 0 }',
  ].join('\n');
  await writeFile(join(dir, 'entry.mjs'), "import m from './node_modules/find-my-way/index.js'; console.log(JSON.stringify(m));");
  await writeFile(join(pkg, 'index.js'), source('/[.*+?^${}()|[\\]\\\\]/g'));
  assert.deepEqual(await bundleAndRun(join(dir, 'entry.mjs'), join(dir, 'out.mjs'), findMyWayChecksPlugin()), { ok: true });
  await writeFile(join(pkg, 'index.js'), source('/(a+)+$/'));
  await assert.rejects(bundleAndRun(join(dir, 'entry.mjs'), join(dir, 'out2.mjs'), findMyWayChecksPlugin()), /OTHER_REGEXP is not safe \(safe-regex2\): update find-my-way/);
});

async function bundleAndRun(entry: string, outfile: string, plugin: import('esbuild').Plugin): Promise<any> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    plugins: [plugin], logLevel: 'silent',
  });
  const { execFileSync } = await import('node:child_process');
  return JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }));
}
