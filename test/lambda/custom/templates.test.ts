// `fn create <name> --runtime lambda` for both languages, through the real CLI: the folder's
// own unit test passes under `fn test`, and `fn run` serves the handler over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fn, fnRun, ROOT, tempDir } from '../../cli/helpers.js';

for (const lang of ['js', 'ts'] as const) {
  test(`fn create --runtime lambda --lang ${lang}: unit test passes, fn run answers`, async (t) => {
    const cwd = await tempDir(t, `fn-lambda-${lang}-`);
    const name = `greeter-${lang}`;
    const made = await fn(['create', name, '--runtime', 'lambda', '--lang', lang, '-o', 'json'], { cwd });
    assert.equal(made.code, 0, made.stderr);
    const doc = JSON.parse(made.stdout);
    assert.equal(doc.template, `lambda-http-${lang}`);
    assert.ok(doc.files.includes('fn.yaml') && doc.files.includes('package.json') && doc.files.includes('.gitignore'));
    const dir = join(cwd, name);

    const tested = await fn(['test', dir], { timeoutMs: 60_000 });
    assert.equal(tested.code, 0, tested.stdout + tested.stderr);
    assert.match(tested.stdout + tested.stderr, /pass 2/);

    if (lang === 'ts') {
      // Lambda loads JavaScript: the template compiles with tsc first (npm run build).
      await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      await new Promise<void>((res, rej) =>
        execFile(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], (err, out) => (err ? rej(new Error(`${err.message}\n${out}`)) : res())),
      );
      assert.ok(existsSync(join(dir, 'dist', 'index.js')));
    }
    const run = await fnRun(t, dir);
    const res = await fetch(`${run.url}/?name=Ada`);
    assert.equal(res.status, 200, run.stderr());
    const body = await res.json();
    assert.equal(body.message, 'Hello, Ada!');
    assert.match(body.requestId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(res.headers.getSetCookie(), ['greeted=1; Path=/; HttpOnly']);
    await run.stop();
  });
}
