// bundleFunction, the one-file bundle (fn build splits the image bundle instead: image-bundle.ts): one ESM file that serves the function
// under plain node, fn.yaml baked in, native addon packages left external and reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { bundleFunction, createBundleContext } from '../../src/build/bundle.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { exampleCopy, tempDir, waitFor } from './helpers.js';

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

test('a production bundle serves the function with plain node and bakes fn.yaml settings', async (t) => {
  const dir = await exampleCopy(t, 'json-echo');
  const out = await tempDir(t, 'fn-bundle-out-');
  const spec = await loadFunction(dir);
  const result = await bundleFunction(spec, { outdir: out, mode: 'production' });
  assert.equal(result.entry, join(out, 'main.mjs'));
  assert.deepEqual(result.files, [join(out, 'main.mjs'), join(out, 'main.mjs.map')]);
  assert.deepEqual(result.external, []);
  const code = await readFile(result.entry, 'utf8');
  // minified by default in production: a fraction of the dev bundle's ~50,000 lines
  assert.ok(code.split('\n').length < 2000, `minified by default in production (${code.split('\n').length} lines)`);
  const map = JSON.parse(await readFile(join(out, 'main.mjs.map'), 'utf8'));
  assert.ok(map.sources.some((s: string) => s.endsWith('json-echo/index.ts')), 'the map points at the user .ts');

  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', result.entry], { env: { ...process.env, PORT: String(port), FN_HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  await waitFor(async () => ((await fetch(`http://127.0.0.1:${port}/health/readiness`)).ok ? true : undefined));
  const res = await fetch(`http://127.0.0.1:${port}/a?b=1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' });
  assert.deepEqual(await res.json(), { method: 'POST', path: '/a', query: { b: '1' }, echo: { x: 1 } });
  // fn.yaml invoker.bodyLimit: 1mb is baked in
  const big = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ s: 'x'.repeat(1024 * 1024 + 10) }) });
  assert.equal(big.status, 413);
  const stopped = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  assert.equal(await stopped, 0);
});

test('native addon packages stay external and are reported; user-listed externals too', async (t) => {
  const dir = await tempDir(t, 'fn-native-fn-');
  const out = await tempDir(t, 'fn-native-out-');
  await mkdir(join(dir, 'node_modules', 'fake-addon', 'build', 'Release'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'fake-addon', 'package.json'), JSON.stringify({ name: 'fake-addon', main: 'index.js' }));
  await writeFile(join(dir, 'node_modules', 'fake-addon', 'index.js'), "module.exports = require('./build/Release/addon.node');\n");
  await writeFile(join(dir, 'node_modules', 'fake-addon', 'build', 'Release', 'addon.node'), 'not really ELF');
  await mkdir(join(dir, 'node_modules', 'plain-js'), { recursive: true });
  await writeFile(join(dir, 'node_modules', 'plain-js', 'package.json'), JSON.stringify({ name: 'plain-js', main: 'index.js' }));
  await writeFile(join(dir, 'node_modules', 'plain-js', 'index.js'), 'exports.three = 3;\n');
  await writeFile(join(dir, 'fn.yaml'), 'name: native\n');
  await writeFile(join(dir, 'index.ts'), "import addon from 'fake-addon';\nimport { three } from 'plain-js';\nimport left from 'left-out';\nexport default () => ({ addon: typeof addon, three, left });\n");
  const spec = await loadFunction(dir);
  const result = await bundleFunction(spec, { outdir: out, mode: 'dev', external: ['left-out'] });
  assert.deepEqual(result.external, ['fake-addon', 'left-out']);
  const code = await readFile(result.entry, 'utf8');
  assert.match(code, /from "fake-addon"|"fake-addon"/);
  assert.ok(code.includes('exports.three = 3'), 'plain JS packages are bundled');
});

test('a missing handler and a syntax error are FnkitErrors naming the file', async (t) => {
  const dir = await tempDir(t, 'fn-bad-');
  const out = await tempDir(t, 'fn-bad-out-');
  await writeFile(join(dir, 'fn.yaml'), 'name: bad\nhandler: main.ts\n');
  await assert.rejects(bundleFunction(await loadFunction(dir), { outdir: out, mode: 'production' }), /FN_ERR_NO_HANDLER_FILE|does not exist/);
  await writeFile(join(dir, 'main.ts'), 'export default () => {\n');
  await assert.rejects(bundleFunction(await loadFunction(dir), { outdir: out, mode: 'production' }), /cannot bundle function "bad"[\s\S]*main\.ts:2/);
});

test('createBundleContext rebuilds incrementally after an edit and lists its inputs', async (t) => {
  const dir = await tempDir(t, 'fn-ctx-');
  const out = await tempDir(t, 'fn-ctx-out-');
  await writeFile(join(dir, 'fn.yaml'), 'name: ctx\n');
  await writeFile(join(dir, 'index.ts'), "export default () => 'first-version';\n");
  const spec = await loadFunction(dir);
  const ctx = await createBundleContext(spec, { outdir: out, mode: 'dev' });
  t.after(() => ctx.dispose());
  const a = await ctx.rebuild();
  assert.ok(a.inputs?.includes(join(dir, 'index.ts')));
  assert.ok((await readFile(a.entry, 'utf8')).includes('first-version'));
  await writeFile(join(dir, 'index.ts'), "export default () => 'second-version';\n");
  const b = await ctx.rebuild();
  const code = await readFile(b.entry, 'utf8');
  assert.ok(code.includes('second-version') && !code.includes('first-version'));
  await writeFile(join(dir, 'index.ts'), 'export default () => {\n');
  await assert.rejects(ctx.rebuild(), /cannot bundle function "ctx"/);
  assert.ok((await readFile(b.entry, 'utf8')).includes('second-version'), 'a failed rebuild leaves the last good output');
});
