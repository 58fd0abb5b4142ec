import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { digestLike, sha256Digest, verifyDigest } from './digest.js';
import * as mt from './media-types.js';

test('sniffManifestMediaType: the mediaType field, else the shape', () => {
  const cases: Array<[unknown, string | undefined]> = [
    [{ mediaType: mt.DOCKER_MANIFEST, layers: [] }, mt.DOCKER_MANIFEST],
    [{ mediaType: mt.DOCKER_MANIFEST_LIST, manifests: [] }, mt.DOCKER_MANIFEST_LIST],
    [{ schemaVersion: 2, manifests: [] }, mt.OCI_INDEX],
    [{ schemaVersion: 2, config: {}, layers: [] }, mt.OCI_MANIFEST],
    [{ schemaVersion: 1, fsLayers: [] }, undefined],
    [{ mediaType: '' }, undefined],
    [null, undefined],
    ['text', undefined],
  ];
  for (const [json, want] of cases) assert.equal(mt.sniffManifestMediaType(json), want, JSON.stringify(json));
});

test('index and image media types, both families', () => {
  assert.deepEqual([mt.OCI_INDEX, mt.DOCKER_MANIFEST_LIST, mt.OCI_MANIFEST].map(mt.isIndexMediaType), [true, true, false]);
  assert.deepEqual([mt.OCI_MANIFEST, mt.DOCKER_MANIFEST, mt.OCI_INDEX].map(mt.isImageManifestMediaType), [true, true, false]);
  assert.deepEqual([...mt.MANIFEST_ACCEPT].sort(), [mt.DOCKER_MANIFEST, mt.DOCKER_MANIFEST_LIST, mt.OCI_INDEX, mt.OCI_MANIFEST].sort());
});

test('digests: sha256 and sha512 of the exact bytes; a mismatch names both', () => {
  const data = Buffer.from('abc');
  assert.equal(sha256Digest(data), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const sha512 = 'sha512:' + createHash('sha512').update(data).digest('hex');
  assert.equal(digestLike(sha512, data), sha512);
  verifyDigest('abc', sha512, data);
  assert.throws(() => verifyDigest('The thing', sha256Digest(Buffer.from('abd')), data), (e: any) => {
    assert.equal(e.code, 'FN_ERR_DIGEST_MISMATCH');
    assert.ok(e.message.startsWith('The thing hashed to sha256:ba7816bf'), e.message);
    return true;
  });
});
