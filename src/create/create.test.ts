import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkName, createFunction, listTemplates, targetName } from './create.js';
import { isFnkitError } from '../errors.js';

test('checkName: DNS-1123 labels only', () => {
  for (const ok of ['a', 'hello', 'hello-world', 'a1', 'x'.repeat(63), 'a-b-c-1']) assert.equal(checkName(ok), null, ok);
  for (const bad of ['', 'A', 'Hello', '1a', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64), 'é', 'a b']) assert.notEqual(checkName(bad), null, bad);
});

test('targetName: _gitignore and .tmpl', () => {
  const cases: Array<[string, string]> = [['_gitignore', '.gitignore'], ['index.ts.tmpl', 'index.ts'], ['fn.yaml', 'fn.yaml'], ['a.tmpl.ts', 'a.tmpl.ts']];
  for (const [from, to] of cases) assert.equal(targetName(from), to);
});

test('createFunction copies a template folder, replacing {{name}} in text files only', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'fn-create-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const templates = join(root, 'templates');
  await mkdir(join(templates, 'node-http-ts', 'src'), { recursive: true });
  await mkdir(join(templates, 'not a template'), { recursive: true });
  await writeFile(join(templates, 'node-http-ts', 'fn.yaml'), 'name: {{name}}\n');
  await writeFile(join(templates, 'node-http-ts', 'src', 'index.ts.tmpl'), 'export const n = "{{name}}";\n');
  await writeFile(join(templates, 'node-http-ts', 'logo.png'), Buffer.from('{{name}}\u0000'));
  await writeFile(join(templates, 'node-http-ts', '_gitignore'), 'node_modules/\n');
  assert.deepEqual(await listTemplates(templates), ['node-http-ts']);
  const res = await createFunction({ name: 'demo', template: 'http', lang: 'ts', runtime: 'node', cwd: root, templatesDir: templates });
  assert.equal(res.dir, join(root, 'demo'));
  assert.deepEqual(res.files, ['.gitignore', 'fn.yaml', 'logo.png', join('src', 'index.ts')]);
  assert.equal(await readFile(join(root, 'demo', 'fn.yaml'), 'utf8'), 'name: demo\n');
  assert.equal(await readFile(join(root, 'demo', 'src', 'index.ts'), 'utf8'), 'export const n = "demo";\n');
  assert.equal(await readFile(join(root, 'demo', 'logo.png'), 'utf8'), '{{name}}\u0000', 'binary files are copied as they are');
  await assert.rejects(
    createFunction({ name: 'demo', template: 'http', lang: 'ts', runtime: 'node', cwd: root, templatesDir: templates }),
    (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_TARGET_EXISTS',
  );
  await assert.rejects(
    createFunction({ name: 'other', template: 'http', lang: 'ts', runtime: 'lambda', cwd: root, templatesDir: templates }),
    (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_UNKNOWN_TEMPLATE' && /node-http-ts/.test(e.hint ?? ''),
  );
  await assert.rejects(
    createFunction({ name: 'x', template: 'http', lang: 'ts', runtime: 'node', cwd: root, templatesDir: join(root, 'missing') }),
    (e: unknown) => isFnkitError(e) && /\(none installed\)/.test(e.hint ?? ''),
  );
});
