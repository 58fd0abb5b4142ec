import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fn, tempDir } from './helpers.js';

test('fn create makes a ready folder for every node template, and its own test passes', async (t) => {
  const cwd = await tempDir(t);
  for (const [template, lang] of [['http', 'ts'], ['http', 'js'], ['cloudevent', 'ts'], ['cloudevent', 'js']] as const) {
    const name = `fn-${template}-${lang}`;
    const res = await fn(['create', name, '--template', template, '--lang', lang], { cwd });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, new RegExp(`created function "${name}"`));
    const dir = join(cwd, name);
    const files = (await readdir(dir)).sort();
    assert.ok(files.includes('.gitignore') && files.includes('fn.yaml') && files.includes('package.json'), files.join());
    assert.ok(files.includes(`index.${lang}`) && files.includes(`index.test.${lang}`), files.join());
    assert.ok(!files.some((f) => f.endsWith('.tmpl') || f === '_gitignore'), files.join());
    const yaml = await readFile(join(dir, 'fn.yaml'), 'utf8');
    assert.match(yaml, new RegExp(`^name: ${name}$`, 'm'));
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, name);
    assert.equal(pkg.scripts.test, 'fn test');
    assert.ok(!(await readFile(join(dir, `index.test.${lang}`), 'utf8')).includes('{{name}}'));
  }
  // the created unit tests really run and pass (two of the four, to keep the suite quick)
  for (const name of ['fn-http-ts', 'fn-cloudevent-js']) {
    const res = await fn(['test', join(cwd, name)]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /(?:# |ℹ )fail 0\b/, "node --test prints TAP (Node 20) or its spec reporter (Node 24)");
  }
});

test('fn create --dir and -o json', async (t) => {
  const cwd = await tempDir(t);
  const res = await fn(['create', 'api', '--dir', 'nested/place', '-o', 'json'], { cwd });
  assert.equal(res.code, 0, res.stderr);
  const doc = JSON.parse(res.stdout);
  assert.equal(doc.name, 'api');
  assert.equal(doc.dir, join(cwd, 'nested', 'place'));
  assert.equal(doc.template, 'node-http-ts');
  assert.deepEqual(doc.files, ['.gitignore', 'fn.yaml', 'index.test.ts', 'index.ts', 'package.json', 'tsconfig.json']);
});

test('fn create into an existing empty folder works', async (t) => {
  const cwd = await tempDir(t);
  await mkdir(join(cwd, 'empty'));
  const res = await fn(['create', 'empty'], { cwd });
  assert.equal(res.code, 0, res.stderr);
});

test('fn create rejects a bad name with the DNS-1123 rule', async (t) => {
  const cwd = await tempDir(t);
  for (const bad of ['Hello', 'my_fn', '1abc', 'ends-', 'a'.repeat(64), 'dots.not.ok']) {
    const res = await fn(['create', bad], { cwd });
    assert.equal(res.code, 1, bad);
    assert.match(res.stderr, /invalid function name/, bad);
    assert.match(res.stderr, /DNS-1123 label: lower-case letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters/, bad);
    assert.match(res.stderr, /FN_ERR_BAD_NAME/);
  }
  assert.deepEqual(await readdir(cwd), []);
});

test('fn create never overwrites a non-empty folder', async (t) => {
  const cwd = await tempDir(t);
  await mkdir(join(cwd, 'taken'));
  await writeFile(join(cwd, 'taken', 'index.ts'), 'mine');
  const res = await fn(['create', 'taken'], { cwd });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /is not empty .*never overwrites/);
  assert.equal(await readFile(join(cwd, 'taken', 'index.ts'), 'utf8'), 'mine');
  assert.deepEqual(await readdir(join(cwd, 'taken')), ['index.ts']);
  await writeFile(join(cwd, 'file'), 'x');
  const onFile = await fn(['create', 'x', '--dir', 'file'], { cwd });
  assert.equal(onFile.code, 1);
  assert.match(onFile.stderr, /exists and is not a folder/);
});

test('fn create names the combinations that exist for an unknown template, language or runtime', async (t) => {
  const cwd = await tempDir(t);
  for (const args of [['--template', 'grpc'], ['--lang', 'python'], ['--runtime', 'deno'], ['--runtime', 'lambda', '--template', 'nope']]) {
    const res = await fn(['create', 'x', ...args], { cwd });
    assert.equal(res.code, 1, args.join(' '));
    assert.match(res.stderr, /no template for runtime/, args.join(' '));
    assert.match(res.stderr, /available combinations \(runtime-template-lang\): .*node-cloudevent-js, node-cloudevent-ts, node-http-js, node-http-ts/, args.join(' '));
  }
  assert.deepEqual(await readdir(cwd), []);
});
