// The real `fn import` process: exit codes and output when nothing or only part can be imported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fn, tempDir } from '../../cli/helpers.js';

test('fn import: every function skipped -> listed, exit 1; missing path -> exit 1 with the code', async (t) => {
  const dir = await tempDir(t, 'fn-import-cli-');
  await writeFile(join(dir, 'serverless.yml'), 'service: py\nprovider: { name: aws, runtime: python3.12 }\nfunctions:\n  a: { handler: app.handler }\n  b: { handler: app.other, runtime: java21 }\n');
  const r = await fn(['import', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /imported 0 of 2 function\(s\)/);
  assert.match(r.stdout, /✗ a: skipped: runtime python3\.12 is not supported/);
  assert.match(r.stdout, /✗ b: skipped: runtime java21 is not supported/);
  assert.match(r.stderr, /FN_ERR_IMPORT_NOTHING/);

  const missing = await fn(['import', join(dir, 'nothing-here')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist \[FN_ERR_IMPORT_NOT_FOUND\]/);
  assert.match(missing.stderr, /hint: pass a serverless\.yml/);

  const json = await fn(['import', dir, '-o', 'json', '--dry-run']);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.dryRun, true);
  assert.deepEqual(doc.functions.map((f: { status: string }) => f.status), ['skipped', 'skipped']);
});
