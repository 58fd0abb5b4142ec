// baseNodeBinary against a real registry (Debian's docker-registry on loopback) and real layers:
// the test base image carries this machine's own node, so the copy taken out of it must run here
// and say process.version. Small images of our own, on top of its layer, cover whiteouts,
// symlinks, a base without node, a zstd layer and a node that does not run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startRegistry, type TestRegistry } from '../../test/support/registry.js';
import { ensureTestBaseImage } from '../../test/support/base-image.js';
import { RegistryClient } from '../registry/client.js';
import { StaticCredentialStore } from '../registry/credentials.js';
import { OCI_CONFIG, OCI_MANIFEST } from '../registry/media-types.js';
import { parseReference } from '../registry/reference.js';
import { resolveBase, type BaseImage } from './base.js';
import { baseNodeBinary, type BaseNode } from './base-node.js';
import type { Descriptor } from './image.js';
import { makeLayer, sha256 } from './layer.js';
import { hostPlatform } from './platform.js';
import type { TarEntry } from './tar.js';

const REPO = 'fnkit-test/node-base';
let reg: TestRegistry;
let dir: string;
let client: RegistryClient;
let base: { ref: string; image: BaseImage };
let baseLayer: Descriptor;
let n = 0;
// The node the test base is made from (test/support/base-image.ts): this machine's /usr/bin/node,
// which is process.version except when the suite runs on another node (CI's Node 24 pass).
const baseNodeVersion = execFileSync(realpathSync(existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath), ['-p', 'process.version'], { encoding: 'utf8' }).trim();

before(async () => {
  reg = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), 'fnkit-base-node-'));
  client = new RegistryClient({ cacheDir: join(dir, 'blobs'), auth: new StaticCredentialStore({}) });
  const ref = (await ensureTestBaseImage(reg.host)).reference;
  base = { ref, image: (await resolveBase(client, ref, undefined, join(dir, 'docs'))).images[0]! };
  baseLayer = base.image.layers[0]!;
});
after(async () => {
  client?.close();
  await reg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh build cache directory (the node copies live under it). */
async function cacheDir(): Promise<string> {
  return mkdtemp(join(dir, 'cache-'));
}

/** Pushes an image: the given layers (the test base's, or new ones made from entries). */
async function pushImage(layers: (Descriptor | TarEntry[])[], config: Record<string, unknown> = {}, mediaType?: string): Promise<{ ref: string; image: BaseImage }> {
  const ref = `${reg.host}/${REPO}:t${++n}`;
  const r = parseReference(ref);
  const descs: Descriptor[] = [];
  for (const l of layers) {
    if (!Array.isArray(l)) { descs.push(l); continue; }
    const made = makeLayer(l, 0, 'test layer');
    await client.pushBlob(r, made.digest, made.size, made.blob);
    descs.push({ mediaType: mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip', digest: made.digest, size: made.size });
  }
  const cfg = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['node'], ...config },
    rootfs: { type: 'layers', diff_ids: descs.map(() => sha256('unused')) },
  }));
  await client.pushBlob(r, sha256(cfg), cfg.length, cfg);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: OCI_CONFIG, digest: sha256(cfg), size: cfg.length }, layers: descs }));
  await client.putManifest(r, OCI_MANIFEST, manifest);
  return { ref, image: (await resolveBase(client, ref, undefined, join(dir, 'docs'))).images[0]! };
}

async function call(img: { ref: string; image: BaseImage }, cache?: string, c: RegistryClient = client): Promise<BaseNode> {
  return baseNodeBinary({ client: c, ref: parseReference(img.ref), image: img.image, cacheDir: cache ?? await cacheDir() });
}

/** The client, counting getBlob calls. */
function counting(): { client: RegistryClient; blobs: string[] } {
  const blobs: string[] = [];
  const c = new Proxy(client, {
    get(t, p) {
      if (p === 'getBlob') return (ref: any, digest: string) => { blobs.push(digest); return t.getBlob(ref, digest); };
      const v = Reflect.get(t, p, t);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
  return { client: c, blobs };
}

function assertRuns(r: BaseNode): string {
  assert.ok('path' in r, `expected a node binary, got ${JSON.stringify(r)}`);
  assert.equal(r.version, baseNodeVersion, 'the test base carries this machine\'s own node');
  assert.equal(execFileSync(r.path, ['-p', '6*7'], { encoding: 'utf8' }).trim(), '42');
  return r.path;
}

function assertSkip(r: BaseNode, re: RegExp): void {
  assert.ok('skip' in r, `expected a skip, got ${JSON.stringify(r)}`);
  assert.match(r.skip, re);
}

test('extracts the base\'s node (found on its PATH), mode 0755, under <cacheDir>/node; a second call fetches no blob', async () => {
  const cache = await cacheDir();
  const first = counting();
  const r = await call(base, cache, first.client);
  const path = assertRuns(r);
  assert.ok(path.startsWith(join(cache, 'node') + '/'), path);
  assert.match(path, /\/node\/[0-9a-f]{64}\/node$/);
  assert.equal((await stat(path)).mode & 0o777, 0o755);
  assert.deepEqual(first.blobs, [baseLayer.digest]);

  const second = counting();
  const again = await call(base, cache, second.client);
  assert.deepEqual(again, r);
  assert.deepEqual(second.blobs, [], 'the cached copy answers without fetching');
  // and without starting it again: the version it printed is kept beside it
  const { readFile, writeFile } = await import('node:fs/promises');
  const versionFile = join(dirname(path), 'version');
  assert.equal((await readFile(versionFile, 'utf8')).trim(), (r as { version: string }).version);
  await writeFile(versionFile, 'v99.0.0\n');
  assert.equal(((await call(base, cache, counting().client)) as { version: string }).version, 'v99.0.0', 'the kept version answers');
});

test('a multi-arch base: the image for another architecture is skipped, naming both platforms', async () => {
  const multi = (await ensureTestBaseImage(reg.host, { multiArch: true })).reference;
  const resolved = await resolveBase(client, multi, ['linux/amd64', 'linux/arm64'], join(dir, 'docs'));
  const other = resolved.images.find((i) => i.platform.architecture !== hostPlatform().architecture)!;
  const { client: c, blobs } = counting();
  const r = await call({ ref: multi, image: other }, undefined, c);
  assertSkip(r, new RegExp(`^base is linux/${other.platform.architecture}(/v8)?; this machine is linux/${hostPlatform().architecture}$`));
  assert.deepEqual(blobs, [], 'nothing is fetched for a foreign platform');
});

test('a base whose layers have no node is skipped with "has no"', async () => {
  const img = await pushImage([[{ path: 'etc/hostname', type: 'file', data: Buffer.from('x\n') }]]);
  assertSkip(await call(img), /^base image has no node on its PATH \(\/usr\/local\/sbin:/);
  const abs = await pushImage([[{ path: 'etc/hostname', type: 'file', data: Buffer.from('x\n') }]], { Cmd: undefined, Entrypoint: ['/opt/node/bin/node', 'x.js'] });
  assertSkip(await call(abs), /^base image has no \/opt\/node\/bin\/node$/);
});

test('whiteouts in a higher layer hide node: .wh.node, an opaque directory, a whited-out parent', async () => {
  const wh = (path: string): TarEntry[] => [{ path, type: 'file', data: Buffer.alloc(0) }];
  // /usr/bin/node -> /usr/local/bin/node is on the PATH too: it must lead nowhere as well.
  assertSkip(await call(await pushImage([baseLayer, wh('usr/local/bin/.wh.node')])), /has no node/);
  assertSkip(await call(await pushImage([baseLayer, wh('usr/local/bin/.wh..wh..opq')])), /has no node/);
  assertSkip(await call(await pushImage([baseLayer, wh('usr/local/.wh.bin')])), /has no node/);
  // a whiteout of something else hides nothing that matters
  const other = await pushImage([baseLayer, wh('usr/local/bin/.wh.npm')]);
  assertRuns(await call(other));
});

test('symlinks are followed: relative, then absolute, inside the image; a loop is skipped', async () => {
  const links: TarEntry[] = [
    { path: 'usr/local/bin/nodejs', type: 'symlink', linkname: 'node' },
    // relative to /opt/bin, then the base's own /usr/bin/node -> /usr/local/bin/node (absolute)
    { path: 'opt/bin/node', type: 'symlink', linkname: '../../usr/bin/node' },
    { path: 'loop/a', type: 'symlink', linkname: 'b' },
    { path: 'loop/b', type: 'symlink', linkname: '/loop/a' },
  ];
  assertRuns(await call(await pushImage([baseLayer, links], { Cmd: ['/usr/local/bin/nodejs'] })));
  assertRuns(await call(await pushImage([baseLayer, links], { Cmd: undefined, Entrypoint: ['/opt/bin/node'] })));
  const loop = await pushImage([baseLayer, [...links, { path: 'loop/node', type: 'symlink', linkname: 'a' }]], { Cmd: undefined, Entrypoint: ['/loop/node'] });
  assertSkip(await call(loop), /more than 5 symlinks/);
});

test('a zstd layer is skipped, before it is fetched', async () => {
  const img = await pushImage([baseLayer, [{ path: 'etc/motd', type: 'file', data: Buffer.from('hi\n') }]], {}, 'application/vnd.oci.image.layer.v1.tar+zstd');
  const { client: c, blobs } = counting();
  assertSkip(await call(img, undefined, c), /zstd/);
  assert.deepEqual(blobs, []);
});

test('a node that does not run here is skipped with the first line of its stderr', async () => {
  const img = await pushImage([baseLayer, [{ path: 'usr/local/bin/node', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho "node: cannot start: no libc here" >&2\necho more >&2\nexit 3\n') }]]);
  assertSkip(await call(img), /^the base image's node does not run on this machine: node: cannot start: no libc here$/);
});
