// The on-disk cache with a real base image (this machine's Node, ~40 MB layer) in a real
// registry: a second fetch of the base downloads nothing; a pinned digest needs no request at
// all; a corrupted cache entry is noticed and fetched again.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { BlobCache } from '../../src/registry/cache.js';
import { RegistryClient, type ProgressEvent } from '../../src/registry/client.js';
import { StaticCredentialStore } from '../../src/registry/credentials.js';
import { isIndexMediaType } from '../../src/registry/media-types.js';
import { parseReference, type ImageReference } from '../../src/registry/reference.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { withTempDir } from './helpers.js';
import { startProxy, type TestProxy } from './proxy.js';

let registry: TestRegistry;
let proxy: TestProxy;
let base: ImageReference;
let multi: ImageReference;

before(async () => {
  registry = await startRegistry();
  proxy = await startProxy(registry.host);
  base = parseReference((await ensureTestBaseImage(registry.host)).reference.replace(registry.host, proxy.host));
  multi = parseReference((await ensureTestBaseImage(registry.host, { multiArch: true })).reference.replace(registry.host, proxy.host));
});

after(async () => {
  await proxy?.close();
  await registry?.stop();
});

/** What a builder does with a base: the manifest (per platform for an index), config, layers. */
async function fetchBase(c: RegistryClient, ref: ImageReference): Promise<{ digest: string; blobs: number }> {
  const top = await c.getManifest(ref);
  const manifests = isIndexMediaType(top.mediaType)
    ? await Promise.all(top.json.manifests.map((m: any) => c.getManifest({ ...ref, tag: undefined, digest: m.digest })))
    : [top];
  let blobs = 0;
  for (const m of manifests) {
    for (const d of [m.json.config, ...m.json.layers]) {
      const data = await c.getBlob(ref, d.digest);
      assert.equal(data.length, d.size);
      blobs++;
    }
  }
  return { digest: top.digest, blobs };
}

const newClient = (cacheDir: string, events: ProgressEvent[] = []) =>
  new RegistryClient({ cacheDir, auth: new StaticCredentialStore({}), onProgress: (e) => events.push(e) });

test('a second fetch of a base downloads nothing: only a HEAD to resolve the tag', async () => {
  await withTempDir('fnkit-cache-', async (cacheDir) => {
    for (const ref of [base, multi]) {
      const coldEvents: ProgressEvent[] = [];
      const cold = newClient(cacheDir, coldEvents);
      const first = await fetchBase(cold, ref);
      cold.close();
      // The multi-arch base shares its layer with the single one, so only the first downloads it.
      if (ref === base) assert.ok(coldEvents.some((e) => e.kind === 'download' && e.size > 10_000_000), 'the Node layer was downloaded once');
      else assert.ok(coldEvents.every((e) => e.size < 10_000_000), 'a layer already cached is not downloaded for another image');

      const mark = proxy.seen.length;
      const warmEvents: ProgressEvent[] = [];
      const warm = newClient(cacheDir, warmEvents);
      const second = await fetchBase(warm, ref);
      warm.close();
      const sent = proxy.seen.slice(mark);
      assert.equal(second.digest, first.digest);
      assert.equal(second.blobs, first.blobs);
      assert.deepEqual(warmEvents, [], 'no downloads');
      assert.equal(sent.filter((s) => s.method === 'GET' && s.path.includes('/blobs/')).length, 0, JSON.stringify(sent));
      assert.equal(sent.filter((s) => s.method === 'GET' && s.path.includes('/manifests/')).length, 0, JSON.stringify(sent));
      assert.deepEqual(sent.filter((s) => s.method === 'HEAD').map((s) => s.path), [`/v2/${ref.repository}/manifests/${ref.tag}`]);

      // Pinned by digest: the cache answers without a single request, not even the /v2/ ping.
      const pinnedMark = proxy.seen.length;
      const pinnedClient = newClient(cacheDir);
      await fetchBase(pinnedClient, { ...ref, tag: undefined, digest: first.digest });
      pinnedClient.close();
      assert.equal(proxy.seen.length, pinnedMark);
    }
    // Content-addressed on disk: <dir>/sha256/<hex>, no temporary files left behind.
    const names = await readdir(`${cacheDir}/sha256`);
    assert.ok(names.length >= 5 && names.every((n) => /^[a-f0-9]{64}$/.test(n)), names.join(','));
  });
});

test('a corrupted cache entry is dropped and fetched again, verified', async () => {
  await withTempDir('fnkit-cache-', async (cacheDir) => {
    const c1 = newClient(cacheDir);
    const top = await c1.getManifest(base);
    const configDigest = top.json.config.digest as string;
    const good = await c1.getBlob(base, configDigest);
    c1.close();
    const cache = new BlobCache(cacheDir);
    await writeFile(cache.path(configDigest), Buffer.from('{"tampered":true}'));
    const events: ProgressEvent[] = [];
    const c2 = newClient(cacheDir, events);
    assert.deepEqual(await c2.getBlob(base, configDigest), good);
    c2.close();
    assert.deepEqual(events.map((e) => [e.kind, e.digest]), [['download', configDigest]]);
    assert.deepEqual(await cache.get(configDigest), good);
  });
});

test('a corrupt download is never written to the cache', async () => {
  await withTempDir('fnkit-cache-', async (cacheDir) => {
    const c = newClient(cacheDir);
    try {
      const top = await c.getManifest(base);
      const configDigest = top.json.config.digest as string;
      proxy.fault = ({ method, path }) => (method === 'GET' && path.endsWith(configDigest) ? 'corrupt' : undefined);
      await assert.rejects(c.getBlob(base, configDigest), { code: 'FN_ERR_DIGEST_MISMATCH' });
      assert.equal(await new BlobCache(cacheDir).has(configDigest), false);
    } finally { proxy.fault = undefined; c.close(); }
  });
});

test('with a cache, a missing tag is known from the HEAD alone', async () => {
  await withTempDir('fnkit-cache-', async (cacheDir) => {
    const c = newClient(cacheDir);
    try {
      const missing = { ...base, tag: 'no-such-tag' };
      const mark = proxy.seen.length;
      await assert.rejects(c.getManifest(missing), (e: any) => {
        assert.equal(e.code, 'FN_ERR_IMAGE_NOT_FOUND');
        assert.ok(e.message.includes('fnkit-test/node-base:no-such-tag'), e.message);
        return true;
      });
      assert.deepEqual(proxy.seen.slice(mark).filter((s) => s.path.includes('/manifests/')).map((s) => s.method), ['HEAD']);
    } finally { c.close(); }
  });
});
