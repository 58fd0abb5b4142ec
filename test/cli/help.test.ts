// `fn --help` teaches: every command is listed in the order users meet them, exit codes are
// documented, and a reader that closes the pipe early (`fn --help | head -1`) is not an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fn } from './helpers.js';

const FN = join(import.meta.dirname, '..', '..', 'bin', 'fn.js');

test('fn --help lists every command, local loop first, and the exit codes', async () => {
  const res = await fn(['--help']);
  assert.equal(res.code, 0, res.stderr);
  const names = [...res.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
  assert.deepEqual(names.slice(0, 5), ['create', 'test', 'run', 'invoke', 'build']);
  for (const cmd of ['deploy', 'list', 'describe', 'delete', 'logs', 'subscribe', 'unsubscribe', 'import', 'controller', 'install']) {
    assert.ok(names.includes(cmd), `${cmd} missing from --help`);
  }
  assert.match(res.stdout, /Exit codes:[\s\S]*2 {2}usage error/);
});

test('a closed stdout pipe ends fn quietly with exit 0', async () => {
  const child = spawn(process.execPath, [FN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // close our end of the pipe before fn writes, as `fn --help | head -1` does once head has its line
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
});
