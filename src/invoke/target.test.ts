import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkUrl, joinUrl, resolveTarget } from './target.js';
import { writeRunState, removeRunState, readRunState } from './run-state.js';
import { isFnkitError } from '../errors.js';

test('joinUrl keeps the base path and the query', () => {
  const cases: Array<[string, string, string]> = [
    ['http://127.0.0.1:8080', '/', 'http://127.0.0.1:8080/'],
    ['http://127.0.0.1:8080', '/a?b=1&c=2', 'http://127.0.0.1:8080/a?b=1&c=2'],
    ['https://fn.example.com/base/', '/x', 'https://fn.example.com/base/x'],
    ['http://h', '/p?q=a?b', 'http://h/p?q=a?b'],
  ];
  for (const [base, path, want] of cases) assert.equal(joinUrl(base, path), want);
});

test('checkUrl rejects non-http URLs as usage errors', () => {
  assert.equal(checkUrl('http://x:1'), 'http://x:1');
  for (const bad of ['ftp://x', 'not a url', 'localhost:8080']) {
    assert.throws(() => checkUrl(bad), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_BAD_URL' && e.data?.exitCode === 2, bad);
  }
});

test('resolveTarget: --url, run state, nothing running, not a name', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-target-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.deepEqual(await resolveTarget({ url: 'http://a:1', cwd: dir }), { url: 'http://a:1', source: 'url' });
  await assert.rejects(resolveTarget({ cwd: dir }), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_NOT_RUNNING' && e.message.includes(`no running function found in ${dir}: start it with \`fn run\``));
  await writeRunState(dir, { url: 'http://127.0.0.1:9', pid: process.pid, port: 9, name: 'x', watch: false, startedAt: '' });
  assert.deepEqual(await resolveTarget({ cwd: dir }), { url: 'http://127.0.0.1:9', source: 'run' });
  await mkdir(join(dir, 'sub'));
  await assert.rejects(resolveTarget({ arg: 'sub', cwd: dir }), /no running function found/);
  await assert.rejects(resolveTarget({ arg: 'Not_A_Name', cwd: dir }), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_NO_TARGET');
  await removeRunState(dir);
  assert.equal(await readRunState(dir), undefined);
});

test('a run state whose pid is gone is stale', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-target-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeRunState(dir, { url: 'http://127.0.0.1:9', pid: 2 ** 22 + 12345, port: 9, name: 'x', watch: false, startedAt: '' });
  assert.equal(await readRunState(dir), undefined);
  await assert.rejects(resolveTarget({ cwd: dir }), /no running function found/);
});
