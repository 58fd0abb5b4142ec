import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BlobCache, defaultCacheDir } from './cache.js';
import { sha256Digest } from './digest.js';

test('put/get/has by digest; a corrupt entry reads as absent and is removed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-blobcache-'));
  try {
    const cache = new BlobCache(dir);
    const data = Buffer.from('hello blob');
    const d = sha256Digest(data);
    assert.equal(await cache.get(d), undefined);
    await cache.put(d, data);
    assert.equal(await cache.has(d), true);
    assert.deepEqual(await cache.get(d), data);
    assert.equal(cache.path(d), join(dir, 'sha256', d.slice(7)));
    assert.deepEqual(await readdir(join(dir, 'sha256')), [d.slice(7)], 'no temporary files left');
    await writeFile(cache.path(d), 'tampered');
    assert.equal(await cache.get(d), undefined);
    assert.equal(await cache.has(d), false);
    assert.throws(() => cache.path('sha256:xyz'), { code: 'FN_ERR_IMAGE_REFERENCE' });
  } finally { await rm(dir, { recursive: true, force: true }); }
});

test('an unwritable cache reports to the callback instead of failing the pull', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-blobcache-'));
  try {
    // A file where the cache folder should be: every write fails with ENOTDIR.
    await writeFile(join(dir, 'file'), 'x');
    const cache = new BlobCache(join(dir, 'file', 'blobs'));
    const errors: Error[] = [];
    await cache.put(sha256Digest(Buffer.from('x')), Buffer.from('x'), (e) => errors.push(e));
    assert.equal(errors.length, 1);
    assert.equal(await cache.get(sha256Digest(Buffer.from('x'))), undefined);
  } finally { await rm(dir, { recursive: true, force: true }); }
});

test('defaultCacheDir honours XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), '/x/fnkit/blobs');
  assert.equal(defaultCacheDir({ HOME: '/h' }), '/h/.cache/fnkit/blobs');
});
