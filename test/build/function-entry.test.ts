// The function's entry in an image is CommonJS (main.cjs) when that is the same program, because
// node 20 starts it ~11 ms sooner than an ES module entry, and an ES module (main.mjs) otherwise:
// top-level await, an import.meta field CommonJS cannot give, or packages left outside the bundle.
// Each built and run for real.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENTRY, ENTRY_CJS, functionBundle, runtimeBundle } from '../../src/build/image-bundle.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { startBuilt } from '../support/built-function.js';

let root: string;
let runtimeApp: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'fn-entry-'));
  runtimeApp = join(root, 'runtime');
  await mkdir(join(root, 'rt'));
  await writeFile(join(root, 'rt', 'fn.yaml'), 'name: rt\nruntime: node\nhandler: index.ts\n');
  await writeFile(join(root, 'rt', 'index.ts'), 'export default () => 1;\n');
  await runtimeBundle(await loadFunction(join(root, 'rt')), runtimeApp);
});
after(() => rm(root, { recursive: true, force: true }));

/** Builds a function with this handler source into its own app folder beside a copy of the runtime. */
async function built(name: string, handler: string, extraYaml = '', file = 'index.ts'): Promise<{ app: string; entry: string }> {
  const dir = join(root, name);
  await mkdir(dir);
  await writeFile(join(dir, 'fn.yaml'), `name: ${name}\nruntime: node\nhandler: ${file}\n${extraYaml}`);
  await writeFile(join(dir, file), handler);
  if (file.endsWith('.js')) await writeFile(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  const app = join(dir, 'app');
  const { cp } = await import('node:fs/promises');
  await cp(join(runtimeApp, 'fnkit'), join(app, 'fnkit'), { recursive: true });
  const part = await functionBundle(await loadFunction(dir), app);
  return { app, entry: part.entry! };
}

async function answer(entry: string, path = '/x'): Promise<{ status: number; body: unknown }> {
  const fn = await startBuilt(entry);
  try {
    const res = await fetch(fn.url + path);
    return { status: res.status, body: await res.json() };
  } finally {
    fn.stop();
  }
}

test('a plain handler, importing the fnkit API, becomes main.cjs and runs', async () => {
  const b = await built('plain', "import { HttpError } from 'fnkit';\nexport default (req: { path: string }) => { if (req.path === '/no') throw new HttpError(418, 'no'); return { path: req.path }; };\n");
  assert.equal(b.entry, ENTRY_CJS);
  assert.deepEqual(await answer(join(b.app, b.entry)), { status: 200, body: { path: '/x' } });
  assert.equal((await answer(join(b.app, b.entry), '/no')).status, 418, 'HttpError from the shared runtime, not a copy');
});

test('import.meta.url, .filename and .dirname read as in an ES module', async () => {
  const b = await built('meta', 'export default () => ({ url: import.meta.url, filename: import.meta.filename, dirname: import.meta.dirname });\n');
  assert.equal(b.entry, ENTRY_CJS);
  const file = join(b.app, b.entry);
  assert.deepEqual((await answer(file)).body, { url: pathToFileURL(file).href, filename: file, dirname: b.app });
});

test('main.cjs runs in strict mode, as the ES module it replaces did', async () => {
  const b = await built('strict', 'export default () => ({ strict: (function (this: unknown) { return this === undefined; })() });\n');
  assert.equal(b.entry, ENTRY_CJS);
  assert.deepEqual((await answer(join(b.app, b.entry))).body, { strict: true });
});

test('a CommonJS handler marked __esModule (tsc output) is imported the same way in both entry formats', async () => {
  const handler = "Object.defineProperty(exports, '__esModule', { value: true });\nexports.default = () => ({ from: 'exports.default' });\nexports.handler = () => ({ from: 'exports.handler' });\n";
  const cjs = await built('esmodule-cjs', handler, '', 'index.js');
  const esm = await built('esmodule-esm', handler, 'build:\n  external: [left-out-package]\n', 'index.js');
  assert.equal(cjs.entry, ENTRY_CJS);
  assert.equal(esm.entry, ENTRY);
  const a = await answer(join(cjs.app, cjs.entry));
  assert.deepEqual(a, await answer(join(esm.app, esm.entry)));
  assert.equal(a.status, 200, JSON.stringify(a));
});

test('top-level await keeps the ES module entry', async () => {
  const b = await built('tla', "const greeting = await Promise.resolve('awaited');\nexport default () => ({ greeting });\n");
  assert.equal(b.entry, ENTRY);
  assert.deepEqual((await answer(join(b.app, b.entry))).body, { greeting: 'awaited' });
});

test('import.meta.resolve keeps the ES module entry', async () => {
  const b = await built('resolve', "export default () => ({ resolved: typeof import.meta.resolve === 'function' && import.meta.resolve('./x.js').startsWith('file:') });\n");
  assert.equal(b.entry, ENTRY);
  assert.deepEqual((await answer(join(b.app, b.entry))).body, { resolved: true });
});

test('a package left outside the bundle (build.external) keeps the ES module entry', async () => {
  const b = await built('external', 'export default () => ({ ok: true });\n', 'build:\n  external: [left-out-package]\n');
  assert.equal(b.entry, ENTRY);
  assert.deepEqual((await answer(join(b.app, b.entry))).body, { ok: true });
});
