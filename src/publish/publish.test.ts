import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeLayout } from './layout.js';
import { writeTarball } from './tarball.js';
import { publishToRegistry } from './registry.js';
import { fakeImage } from './fake-image.test-helper.js';
import type { RegistryClient } from '../registry/client.js';

const exec = promisify(execFile);
const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64', variant: 'v8' };

async function withTemp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-publish-'));
  try {
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('layout: blobs by digest, index.json names the tag; a second tag is added, the same tag replaced', () => withTemp(async (dir) => {
  const one = fakeImage([amd64], 'one');
  await writeLayout(one, dir, 'v1');
  const two = fakeImage([amd64], 'two');
  await writeLayout(two, dir, 'v2');
  const three = fakeImage([amd64], 'three');
  await writeLayout(three, dir, 'v1');
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  assert.deepEqual(index.manifests.map((m: any) => [m.annotations['org.opencontainers.image.ref.name'], m.digest]), [['v2', two.top.digest], ['v1', three.top.digest]]);
  for (const name of await readdir(join(dir, 'blobs', 'sha256'))) {
    assert.equal(createHash('sha256').update(await readFile(join(dir, 'blobs', 'sha256', name))).digest('hex'), name);
  }
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
}));

test('layout of a multi-platform image holds the index and both manifests', () => withTemp(async (dir) => {
  const img = fakeImage([amd64, arm64]);
  await writeLayout(img, dir);
  const names = await readdir(join(dir, 'blobs', 'sha256'));
  for (const d of [img.top.digest, ...img.images.map((i) => i.manifest.digest)]) assert.ok(names.includes(d.slice(7)));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  assert.equal(index.manifests[0].mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.equal(index.manifests[0].annotations, undefined);
}));

test('tarball: OCI layout + docker manifest.json naming the chosen platform, readable by tar', () => withTemp(async (dir) => {
  const img = fakeImage([amd64, arm64]);
  const file = join(dir, 'img.tar');
  await writeTarball(img, file, { repoTag: 'localhost/app:1', platform: arm64, mtime: 0 });
  const listing = (await exec('tar', ['-tf', file])).stdout.split('\n').filter(Boolean);
  for (const p of ['oci-layout', 'index.json', 'manifest.json']) assert.ok(listing.includes(p), p);
  await exec('tar', ['-xf', file, '-C', dir]);
  const docker = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(docker.length, 1);
  assert.deepEqual(docker[0].RepoTags, ['localhost/app:1']);
  assert.equal(docker[0].Config, `blobs/sha256/${img.images[1]!.config.digest.slice(7)}`);
  assert.equal(docker[0].Layers.length, 2);
  for (const l of docker[0].Layers) assert.ok(listing.includes(l));
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  assert.equal(index.manifests[0].digest, img.top.digest);
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'localhost/app:1');
}));

test('tarball bytes are reproducible', () => withTemp(async (dir) => {
  await writeTarball(fakeImage(), join(dir, 'a.tar'), { repoTag: 'x:1', mtime: 0 });
  await writeTarball(fakeImage(), join(dir, 'b.tar'), { repoTag: 'x:1', mtime: 0 });
  assert.deepEqual(await readFile(join(dir, 'a.tar')), await readFile(join(dir, 'b.tar')));
}));

/** A recording client: the order of calls is what this test is about. */
function recordingClient(failOn?: string) {
  const calls: string[] = [];
  const client = {
    async pushBlob(_ref: unknown, digest: string, _size: number, data: Buffer | (() => NodeJS.ReadableStream)) {
      if (failOn === digest) throw new Error('upload failed');
      calls.push(`blob ${digest.slice(7, 15)} ${Buffer.isBuffer(data) ? 'buffer' : 'lazy'}`);
      return { uploaded: true };
    },
    async putManifest(ref: { tag?: string; digest?: string }, _mt: string, bytes: Buffer) {
      calls.push(`manifest ${ref.tag ?? ref.digest!.slice(7, 15)}`);
      return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
    },
  };
  return { calls, client: client as unknown as RegistryClient };
}

test('push order: every blob, then per-platform manifests, then the tag last', async () => {
  const img = fakeImage([amd64, arm64]);
  const { calls, client } = recordingClient();
  const r = await publishToRegistry(img, { registry: '127.0.0.1:5000', repository: 'app', tag: 'v1' }, client);
  assert.equal(r.reference, `127.0.0.1:5000/app@${img.top.digest}`);
  const firstManifest = calls.findIndex((c) => c.startsWith('manifest'));
  assert.ok(calls.slice(0, firstManifest).every((c) => c.startsWith('blob')));
  assert.equal(calls.filter((c) => c.startsWith('blob')).length, 4, 'base layer, function layer (shared), two configs');
  assert.equal(calls.at(-1), 'manifest v1');
  assert.equal(calls.filter((c) => c.startsWith('manifest')).length, 3);
  assert.ok(calls.some((c) => c.endsWith('lazy')), 'base blobs are read only if the registry lacks them');
});

test('a failed blob upload stops the push before any manifest or tag', async () => {
  const img = fakeImage([amd64]);
  const { calls, client } = recordingClient(img.images[0]!.config.digest);
  await assert.rejects(publishToRegistry(img, { registry: 'r', repository: 'app', tag: 'v1' }, client), /upload failed/);
  assert.ok(!calls.some((c) => c.startsWith('manifest')));
});
