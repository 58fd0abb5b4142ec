// RegistryClient against a REAL docker-registry (no auth), seen through a recording proxy that
// also injects the faults of real networks. Covers push/skip, manifests by tag and digest,
// indexes of both families, digest verification, retries, the registry being down, abort.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { RegistryClient, type ProgressEvent } from '../../src/registry/client.js';
import { StaticCredentialStore } from '../../src/registry/credentials.js';
import { sha256Digest } from '../../src/registry/digest.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST } from '../../src/registry/media-types.js';
import { parseReference, type ImageReference } from '../../src/registry/reference.js';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.js';
import { tinyImage } from './helpers.js';
import { startProxy, type TestProxy } from './proxy.js';

let registry: TestRegistry;
let proxy: TestProxy;

before(async () => {
  registry = await startRegistry();
  proxy = await startProxy(registry.host);
});

after(async () => {
  await proxy?.close();
  await registry?.stop();
});

const anonymous = () => new StaticCredentialStore({});
function client(events?: ProgressEvent[], extra: ConstructorParameters<typeof RegistryClient>[0] = {}) {
  return new RegistryClient({ cacheDir: false, auth: anonymous(), retryDelayMs: 10, onProgress: (e) => events?.push(e), ...extra });
}
const ref = (path: string): ImageReference => parseReference(`${proxy.host}/${path}`);

async function pushImage(c: RegistryClient, r: ImageReference, img = tinyImage(r.repository)) {
  await c.pushBlob(r, sha256Digest(img.layer), img.layer.length, img.layer);
  await c.pushBlob(r, sha256Digest(img.config), img.config.length, img.config);
  return { img, digest: await c.putManifest(r, img.mediaType, img.manifest) };
}

test('a blob already in the repository is not uploaded again (HEAD, no POST)', async () => {
  const events: ProgressEvent[] = [];
  const c = client(events);
  try {
    const r = ref('skip/app:1');
    const data = Buffer.from('some layer bytes');
    const digest = sha256Digest(data);
    assert.deepEqual(await c.pushBlob(r, digest, data.length, data), { uploaded: true });
    const posts = proxy.count('POST', /^\/v2\/skip\/app\/blobs\/uploads\/$/);
    assert.equal(posts, 1);
    assert.deepEqual(await c.pushBlob(r, digest, data.length, data), { uploaded: false });
    assert.equal(proxy.count('POST', /^\/v2\/skip\/app\/blobs\/uploads\/$/), posts, 'second push must not open an upload');
    assert.deepEqual(events.map((e) => e.kind), ['upload', 'skip']);
    assert.equal(await c.hasBlob(r, digest), true);
    assert.equal(await c.hasBlob(r, sha256Digest(Buffer.from('other'))), false);
    assert.deepEqual(await c.getBlob(r, digest), data);
  } finally { c.close(); }
});

test('a blob another repository of the registry has is mounted, not uploaded', async () => {
  const events: ProgressEvent[] = [];
  const c = client(events);
  try {
    const base = ref('mount/base:1');
    const target = ref('mount/app:1');
    const data = Buffer.from('a base layer to share');
    const digest = sha256Digest(data);
    await c.pushBlob(base, digest, data.length, data);
    const puts = proxy.count('PUT', /^\/v2\/mount\/app\/blobs\/uploads\//);
    assert.deepEqual(await c.pushBlob(target, digest, data.length, data, { mountFrom: base }), { uploaded: false, mounted: true });
    assert.equal(proxy.count('PUT', /^\/v2\/mount\/app\/blobs\/uploads\//), puts, 'no bytes uploaded');
    assert.equal(proxy.count('POST', /^\/v2\/mount\/app\/blobs\/uploads\/\?mount=sha256%3A[a-f0-9]{64}&from=mount%2Fbase$/), 1);
    assert.equal(await c.hasBlob(target, digest), true);
    // Nothing to mount in the named repository: an ordinary upload follows.
    const other = Buffer.from('only here');
    assert.deepEqual(await c.pushBlob(target, sha256Digest(other), other.length, other, { mountFrom: ref('mount/empty:1') }), { uploaded: true });
    assert.deepEqual(events.map((e) => e.kind), ['upload', 'skip', 'upload']);
  } finally { c.close(); }
});

test('a streamed blob goes up as PATCH + PUT and reads back byte for byte', async () => {
  const c = client();
  try {
    const r = ref('stream/app:1');
    const data = Buffer.alloc(300_000, 7);
    data.write('streamed');
    const digest = sha256Digest(data);
    let made = 0;
    const res = await c.pushBlob(r, digest, data.length, () => { made++; return Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]); });
    assert.deepEqual(res, { uploaded: true });
    assert.equal(made, 1);
    assert.equal(proxy.count('PATCH', /^\/v2\/stream\/app\/blobs\/uploads\//), 1);
    assert.deepEqual(await c.getBlob(r, digest), data);
  } finally { c.close(); }
});

test('a Buffer that does not hash to its digest is refused before any upload opens', async () => {
  const c = client();
  try {
    const r = ref('bad/digest:1');
    const posts = proxy.count('POST', /\/blobs\/uploads\//);
    await assert.rejects(c.pushBlob(r, sha256Digest(Buffer.from('a')), 1, Buffer.from('b')), (e: any) => {
      assert.equal(e.code, 'FN_ERR_DIGEST_MISMATCH');
      assert.match(e.message, /expected sha256:/);
      return true;
    });
    assert.equal(proxy.count('POST', /\/blobs\/uploads\//), posts, 'no upload was opened');
    assert.equal(await c.hasBlob(r, sha256Digest(Buffer.from('a'))), false);
    await assert.rejects(c.pushBlob(r, sha256Digest(Buffer.from('ab')), 3, Buffer.from('ab')), { code: 'FN_ERR_DIGEST_MISMATCH', message: /was 2 bytes long, expected 3 bytes/ });
    await assert.rejects(c.pushBlob(r, 'sha256:abc', 3, Buffer.from('ab')), { code: 'FN_ERR_IMAGE_REFERENCE' });
  } finally { c.close(); }
});

test('a stream whose bytes do not match the digest is rejected by the registry and leaves no blob', async () => {
  const c = client();
  try {
    const r = ref('bad/stream:1');
    const claimed = sha256Digest(Buffer.from('what we claim'));
    await assert.rejects(c.pushBlob(r, claimed, 13, () => Readable.from([Buffer.from('something els')])), (e: any) => {
      assert.equal(e.code, 'FN_ERR_DIGEST_MISMATCH');
      assert.match(e.message, /DIGEST_INVALID/);
      return true;
    });
    assert.equal(await c.hasBlob(r, claimed), false);
    // Longer or shorter than announced: stopped on our side, with the sizes.
    for (const [bytes, pattern] of [['what we claim!', /was more than 13 bytes long, expected 13 bytes/], ['what we', /was 7 bytes long, expected 13 bytes/]] as const) {
      await assert.rejects(c.pushBlob(r, claimed, 13, () => Readable.from([Buffer.from(bytes)])), (e: any) => {
        assert.equal(e.code, 'FN_ERR_DIGEST_MISMATCH', e.message);
        assert.match(e.message, pattern);
        return true;
      });
    }
    assert.equal(await c.hasBlob(r, claimed), false);
  } finally { c.close(); }
});

test('manifests by tag and by digest, verified; missing tag and blob are FN_ERR_IMAGE_NOT_FOUND', async () => {
  const c = client();
  try {
    const r = ref('manifests/app:v1');
    const { img, digest } = await pushImage(c, r);
    assert.equal(digest, img.manifestDigest);
    const byTag = await c.getManifest(r);
    assert.equal(byTag.digest, digest);
    assert.equal(byTag.mediaType, OCI_MANIFEST);
    assert.deepEqual(byTag.bytes, img.manifest);
    assert.equal(byTag.json.layers[0].digest, sha256Digest(img.layer));
    const byDigest = await c.getManifest({ ...r, tag: undefined, digest });
    assert.deepEqual(byDigest.bytes, img.manifest);
    const heads = proxy.count('HEAD', /\/manifests\/v1$/);
    assert.equal(await c.resolveDigest(r), digest);
    assert.equal(proxy.count('HEAD', /\/manifests\/v1$/) - heads, 1, 'one HEAD, no GET');
    await assert.rejects(c.resolveDigest({ ...r, tag: 'nope' }), { code: 'FN_ERR_IMAGE_NOT_FOUND', message: /manifests\/app:nope/ });
    await assert.rejects(c.getManifest({ ...r, tag: 'v2' }), (e: any) => {
      assert.equal(e.code, 'FN_ERR_IMAGE_NOT_FOUND');
      assert.ok(e.message.includes(`${proxy.host}/manifests/app:v2`), e.message);
      assert.match(e.message, /MANIFEST_UNKNOWN/);
      return true;
    });
    await assert.rejects(c.getBlob(r, sha256Digest(Buffer.from('never pushed'))), { code: 'FN_ERR_IMAGE_NOT_FOUND' });
    await assert.rejects(c.putManifest({ ...r, digest: sha256Digest(Buffer.from('x')) }, OCI_MANIFEST, img.manifest), { code: 'FN_ERR_DIGEST_MISMATCH' });
  } finally { c.close(); }
});

test('a manifest naming blobs the registry lacks is refused with the registry\'s reason', async () => {
  const c = client();
  try {
    const img = tinyImage('orphan');
    await assert.rejects(c.putManifest(ref('orphan/app:1'), OCI_MANIFEST, img.manifest), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_PROTOCOL');
      assert.match(e.message, /BLOB_UNKNOWN/);
      assert.match(e.message, /push every layer and config blob/);
      return true;
    });
  } finally { c.close(); }
});

for (const family of ['oci', 'docker'] as const) {
  test(`an index (${family === 'oci' ? OCI_INDEX : DOCKER_MANIFEST_LIST}) and its per-platform manifests`, async () => {
    const c = client();
    try {
      const r = ref(`index/${family}:multi`);
      const entries = [];
      for (const architecture of ['amd64', 'arm64']) {
        const img = tinyImage(`${family}-${architecture}`, { docker: family === 'docker', architecture });
        const { digest } = await pushImage(c, { ...r, tag: undefined, digest: img.manifestDigest }, img);
        entries.push({ mediaType: img.mediaType, digest, size: img.manifest.length, platform: { os: 'linux', architecture } });
      }
      const mediaType = family === 'oci' ? OCI_INDEX : DOCKER_MANIFEST_LIST;
      const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }));
      const digest = await c.putManifest(r, mediaType, index);
      const got = await c.getManifest(r);
      assert.equal(got.mediaType, mediaType);
      assert.equal(got.digest, digest);
      assert.deepEqual(got.json.manifests.map((m: any) => m.platform.architecture), ['amd64', 'arm64']);
      const arm = await c.getManifest({ ...r, tag: undefined, digest: got.json.manifests[1].digest });
      assert.equal(arm.mediaType, family === 'oci' ? OCI_MANIFEST : DOCKER_MANIFEST);
      const config = JSON.parse((await c.getBlob(r, arm.json.config.digest)).toString());
      assert.equal(config.architecture, 'arm64');
    } finally { c.close(); }
  });
}

test('a body that does not match its digest is FN_ERR_DIGEST_MISMATCH and is not cached', async () => {
  const c = client();
  try {
    const r = ref('tamper/app:1');
    const { img, digest } = await pushImage(c, r);
    const layerDigest = sha256Digest(img.layer);
    proxy.fault = ({ method, path }) => (method === 'GET' && (path.includes(layerDigest) || path.includes(digest)) ? 'corrupt' : undefined);
    await assert.rejects(c.getBlob(r, layerDigest), (e: any) => {
      assert.equal(e.code, 'FN_ERR_DIGEST_MISMATCH');
      assert.ok(e.message.includes(layerDigest));
      return true;
    });
    await assert.rejects(c.getManifest({ ...r, tag: undefined, digest }), { code: 'FN_ERR_DIGEST_MISMATCH' });
    proxy.fault = undefined;
    assert.deepEqual(await c.getBlob(r, layerDigest), img.layer);
  } finally { proxy.fault = undefined; c.close(); }
});

test('transient failures are retried: 503 and a dropped connection, then success', async () => {
  const c = client();
  try {
    const r = ref('flaky/app:1');
    const { img } = await pushImage(c, r);
    const layerDigest = sha256Digest(img.layer);
    const failures = ['reset', { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}' }];
    proxy.fault = ({ method, path }) => (method === 'GET' && path.endsWith(layerDigest) ? failures.shift() as any : undefined);
    const before = proxy.count('GET', new RegExp(layerDigest));
    assert.deepEqual(await c.getBlob(r, layerDigest), img.layer);
    assert.equal(proxy.count('GET', new RegExp(layerDigest)) - before, 3, 'two failures then one success');

    // The upload's closing PUT fails once with a 500: the whole upload starts over and succeeds.
    let putFailures = 1;
    proxy.fault = ({ method, path }) => (method === 'PUT' && path.includes('/blobs/uploads/') && putFailures-- > 0 ? { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"disk hiccup"}]}' } : undefined);
    const data = Buffer.from('retry upload');
    assert.deepEqual(await c.pushBlob(r, sha256Digest(data), data.length, data), { uploaded: true });
    assert.equal(await c.hasBlob(r, sha256Digest(data)), true);

    // A PUT that keeps failing: three upload sessions, each cancelled (DELETE, 204 from the
    // registry: the sessions really existed), then the registry's message; no blob left.
    proxy.fault = ({ method, path }) => (method === 'PUT' && path.includes('/blobs/uploads/') ? { status: 500, body: '{"errors":[{"code":"UNKNOWN","message":"disk full"}]}' } : undefined);
    const lost = Buffer.from('never stored');
    const deletes = proxy.seen.filter((s) => s.method === 'DELETE' && s.status === 204).length;
    await assert.rejects(c.pushBlob(r, sha256Digest(lost), lost.length, lost), { code: 'FN_ERR_REGISTRY_PROTOCOL', message: /HTTP 500: UNKNOWN: disk full/ });
    assert.equal(proxy.seen.filter((s) => s.method === 'DELETE' && s.status === 204).length - deletes, 3);
    proxy.fault = undefined;
    assert.equal(await c.hasBlob(r, sha256Digest(lost)), false);

    // A registry that keeps failing: three attempts, then the registry's own message.
    proxy.fault = ({ method }) => (method === 'GET' ? { status: 503, body: '{"errors":[{"code":"UNAVAILABLE","message":"down for maintenance"}]}' } : undefined);
    const gets = proxy.count('GET', /\/manifests\/1$/);
    await assert.rejects(c.getManifest(r), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_PROTOCOL');
      assert.match(e.message, /HTTP 503: UNAVAILABLE: down for maintenance/);
      return true;
    });
    assert.equal(proxy.count('GET', /\/manifests\/1$/) - gets, 3);
  } finally { proxy.fault = undefined; c.close(); }
});

test('a registry that is down is FN_ERR_REGISTRY_UNREACHABLE naming host:port, quickly', async () => {
  const port = await freePort();
  const c = client();
  try {
    const started = Date.now();
    await assert.rejects(c.getManifest(parseReference(`127.0.0.1:${port}/app:1`)), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_UNREACHABLE');
      assert.ok(e.message.includes(`127.0.0.1:${port}`), e.message);
      assert.match(e.message, /ECONNREFUSED/);
      assert.match(e.hint, /running/);
      return true;
    });
    assert.ok(Date.now() - started < 3000, 'no long retry loop on a refused connection');
  } finally { c.close(); }
});

test('plain HTTP to a registry that is not loopback needs insecure', async () => {
  // Linux connects 0.0.0.0 to this machine, but by name it is not a loopback address, so the
  // loopback exemption does not apply: the same real registry, seen as a remote one.
  const remote = parseReference(`0.0.0.0:${proxy.host.split(':')[1]}/remote/app:1`);
  const strict = client();
  try {
    await assert.rejects(strict.getManifest(remote), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_UNREACHABLE');
      assert.match(e.message, /https:\/\/0\.0\.0\.0:\d+\/v2\//);
      assert.match(e.hint, /insecure/);
      return true;
    });
  } finally { strict.close(); }
  const relaxed = client(undefined, { insecure: true });
  try {
    const data = Buffer.from('over plain http');
    assert.deepEqual(await relaxed.pushBlob(remote, sha256Digest(data), data.length, data), { uploaded: true });
    assert.deepEqual(await relaxed.getBlob(remote, sha256Digest(data)), data);
  } finally { relaxed.close(); }
});

test('an aborted signal stops the client with an AbortError', async () => {
  const ac = new AbortController();
  const c = client(undefined, { signal: ac.signal });
  try {
    ac.abort();
    await assert.rejects(c.getManifest(ref('abort/app:1')), (e: any) => e.name === 'AbortError');
  } finally { c.close(); }
});
