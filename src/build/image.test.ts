import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { makeConfig, makeManifest, makeIndex, nodeBinaryOf, userFor, familyOf, rfc3339, type ImageSettings } from './image.js';
import { makeLayer } from './layer.js';
import { DOCKER_MANIFEST, DOCKER_LAYER_GZIP, OCI_MANIFEST, OCI_INDEX, OCI_CONFIG, DOCKER_CONFIG, DOCKER_MANIFEST_LIST } from '../registry/media-types.js';

const baseConfig = {
  architecture: 'amd64',
  os: 'linux',
  created: '2026-01-01T00:00:00Z',
  config: { Env: ['PATH=/usr/local/bin:/usr/bin', 'NODE_VERSION=24.1.0', 'NODE_ENV=development'], Cmd: ['node'], Entrypoint: ['docker-entrypoint.sh'], Labels: { maintainer: 'x' } },
  rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
  history: [{ created: '2026-01-01T00:00:00Z', created_by: 'ADD rootfs' }],
};
const baseManifest = {
  schemaVersion: 2,
  mediaType: OCI_MANIFEST,
  config: { mediaType: OCI_CONFIG, digest: 'sha256:' + 'c'.repeat(64), size: 100 },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:' + 'b'.repeat(64), size: 1234 }],
};
const settings: ImageSettings = {
  entrypoint: ['node', '/app/main.mjs'],
  workingDir: '/app',
  user: '1000:1000',
  env: { NODE_ENV: 'production', PORT: '8080' },
  exposedPort: 8080,
  labels: { 'org.opencontainers.image.revision': 'abc' },
  created: rfc3339(0),
};
const layer = makeLayer([{ path: 'app/main.mjs', type: 'file', data: Buffer.from('x') }], 0, 'function bundle');

test('config: settings replace the base runtime settings, layers and history are appended', () => {
  const doc = makeConfig(baseConfig, [layer], settings, 'oci');
  const c = JSON.parse(doc.bytes.toString());
  assert.equal(doc.mediaType, OCI_CONFIG);
  assert.equal(doc.digest, 'sha256:' + createHash('sha256').update(doc.bytes).digest('hex'));
  assert.deepEqual(c.config.Entrypoint, settings.entrypoint);
  assert.equal(c.config.Cmd, undefined, 'the base Cmd would become an argument of our entrypoint');
  assert.deepEqual(c.config.Env, ['PATH=/usr/local/bin:/usr/bin', 'NODE_VERSION=24.1.0', 'NODE_ENV=production', 'PORT=8080']);
  assert.equal(c.config.User, '1000:1000');
  assert.equal(c.config.WorkingDir, '/app');
  assert.deepEqual(c.config.ExposedPorts, { '8080/tcp': {} });
  assert.deepEqual(c.config.Labels, { maintainer: 'x', 'org.opencontainers.image.revision': 'abc' });
  assert.deepEqual(c.rootfs.diff_ids, ['sha256:' + 'a'.repeat(64), layer.diffId]);
  assert.equal(c.history.length, 2);
  assert.deepEqual(c.history[1], { created: '1970-01-01T00:00:00Z', created_by: 'fn build', comment: 'function bundle' });
  assert.equal(c.created, '1970-01-01T00:00:00Z');
  assert.equal(c.architecture, 'amd64');
});

test('config bytes are stable and change with any setting', () => {
  const a = makeConfig(baseConfig, [layer], settings, 'oci');
  assert.equal(makeConfig(baseConfig, [layer], settings, 'oci').digest, a.digest);
  assert.notEqual(makeConfig(baseConfig, [layer], { ...settings, created: rfc3339(1) }, 'oci').digest, a.digest);
  assert.equal(makeConfig(baseConfig, [layer], settings, 'docker').mediaType, DOCKER_CONFIG);
});

test('OCI manifest: base layers first, ours after, annotations kept', () => {
  const config = makeConfig(baseConfig, [layer], settings, 'oci');
  const m = makeManifest(baseManifest, config, [layer], 'oci', { 'org.opencontainers.image.source': 'https://example.com/x' });
  const j = JSON.parse(m.bytes.toString());
  assert.equal(m.mediaType, OCI_MANIFEST);
  assert.equal(j.mediaType, OCI_MANIFEST);
  assert.deepEqual(j.config, { mediaType: OCI_CONFIG, digest: config.digest, size: config.bytes.length });
  assert.deepEqual(j.layers.map((l: any) => l.digest), ['sha256:' + 'b'.repeat(64), layer.digest]);
  assert.equal(j.layers[1].size, layer.size);
  assert.equal(j.annotations['org.opencontainers.image.source'], 'https://example.com/x');
});

test('Docker manifest stays Docker: Docker layer type, no annotations', () => {
  const config = makeConfig(baseConfig, [layer], settings, 'docker');
  const m = makeManifest({ ...baseManifest, mediaType: DOCKER_MANIFEST }, config, [layer], 'docker', { a: 'b' });
  const j = JSON.parse(m.bytes.toString());
  assert.equal(j.mediaType, DOCKER_MANIFEST);
  assert.equal(j.layers[1].mediaType, DOCKER_LAYER_GZIP);
  assert.equal(j.annotations, undefined);
  assert.equal(familyOf(DOCKER_MANIFEST_LIST), 'docker');
  assert.equal(familyOf(OCI_INDEX), 'oci');
});

test('index lists one manifest per platform', () => {
  const config = makeConfig(baseConfig, [layer], settings, 'oci');
  const m = makeManifest(baseManifest, config, [layer], 'oci', {});
  const idx = makeIndex([
    { manifest: m, platform: { os: 'linux', architecture: 'amd64' } },
    { manifest: m, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
  ], 'oci', {});
  const j = JSON.parse(idx.bytes.toString());
  assert.equal(j.mediaType, OCI_INDEX);
  assert.equal(j.manifests.length, 2);
  assert.deepEqual(j.manifests[1].platform, { os: 'linux', architecture: 'arm64', variant: 'v8' });
  assert.equal(j.manifests[0].size, m.bytes.length);
});

const nodeCases: [string, any, string][] = [
  ['official node image (Cmd node)', { config: { Entrypoint: ['docker-entrypoint.sh'], Cmd: ['node'] } }, 'node'],
  ['distroless (Entrypoint /nodejs/bin/node)', { config: { Entrypoint: ['/nodejs/bin/node'] } }, '/nodejs/bin/node'],
  ['no hint', { config: {} }, 'node'],
  ['test base (/usr/local/bin/node)', { config: { Cmd: ['/usr/local/bin/node'] } }, '/usr/local/bin/node'],
];
for (const [name, cfg, want] of nodeCases) test(`nodeBinaryOf: ${name}`, () => assert.equal(nodeBinaryOf(cfg), want));

const userCases: [string, string][] = [['', '1000:1000'], ['root', '1000:1000'], ['0', '1000:1000'], ['0:0', '1000:1000'], ['65532', '65532'], ['65532:65532', '65532:65532'], ['node', '1000:1000']];
for (const [u, want] of userCases) test(`userFor(${JSON.stringify(u)}) = ${want}`, () => assert.equal(userFor({ config: { User: u } }), want));
