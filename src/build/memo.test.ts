import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupBundle, memoKey, storeBundle, type MemoEntry } from './memo.js';

async function withDir(f: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-memo-'));
  try {
    await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const entry: MemoEntry = { files: [{ rel: 'main.mjs', data: Buffer.from('bundle') }, { rel: 'main.mjs.map', data: Buffer.from('{}') }], external: ['sharp'], entry: 'main.mjs' };

test('a stored bundle is found while its inputs are unchanged, and missed once one changes', () => withDir(async (dir) => {
  const input = join(dir, 'index.ts');
  await writeFile(input, 'export default 1');
  const key = memoKey({ a: 1 });
  assert.equal(await storeBundle(join(dir, 'memo'), key, [input], entry, Date.now() + 1000), true);
  const hit = await lookupBundle(join(dir, 'memo'), key);
  assert.deepEqual(hit, entry);
  assert.equal(await lookupBundle(join(dir, 'memo'), memoKey({ a: 2 })), undefined, 'another key');
  await writeFile(input, 'export default 2');
  assert.equal(await lookupBundle(join(dir, 'memo'), key), undefined, 'changed input');
  await rm(input);
  assert.equal(await lookupBundle(join(dir, 'memo'), key), undefined, 'deleted input');
}));

test('an input modified after bundling started is not memoized (esbuild may have read either version)', () => withDir(async (dir) => {
  const input = join(dir, 'index.ts');
  await writeFile(input, 'x');
  const startedAt = Date.now() - 10_000;
  await utimes(input, new Date(), new Date());
  assert.equal(await storeBundle(join(dir, 'memo'), memoKey({ b: 1 }), [input], entry, startedAt), false);
  assert.equal(await lookupBundle(join(dir, 'memo'), memoKey({ b: 1 })), undefined);
}));

test('a corrupted memo blob is a miss, not a wrong bundle', () => withDir(async (dir) => {
  const input = join(dir, 'index.ts');
  await writeFile(input, 'x');
  const key = memoKey({ c: 1 });
  await storeBundle(join(dir, 'memo'), key, [input], entry, Date.now() + 1000);
  const blobs = await readdir(join(dir, 'memo', 'blobs'));
  await writeFile(join(dir, 'memo', 'blobs', blobs[0]!), 'tampered');
  assert.equal(await lookupBundle(join(dir, 'memo'), key), undefined);
}));
