import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

test('npm run demo: creates, tests, runs and invokes a function over HTTP and as a CloudEvent, exits 0', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolveRun) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (c) => resolveRun({ code: c, stdout, stderr }));
  });
  assert.equal(code, 0, stderr + stdout);
  assert.match(stdout, /\{"message":"Hello, Ada!"\}/);
  assert.match(stdout, /< 200/);
  assert.match(stdout, /"type": "hello\.reply"/);
  assert.match(stdout, /"message": "Hello, Linus!"/);
  assert.match(stdout, /demo passed/);
  const temp = /\(in (\/\S+)\)/.exec(stdout)?.[1];
  assert.ok(temp, 'the demo names its temp folder');
  await assert.rejects(import('node:fs/promises').then((fs) => fs.access(temp!)), 'the temp folder is removed');
});
