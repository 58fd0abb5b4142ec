// Bearer-token challenges against a REAL docker-registry with `auth: token`, whose tokens come
// from a faithful token-server double (token-server.ts). The registry itself verifies every
// token (certificate chain, issuer, audience, expiry, signature, granted actions).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { StaticCredentialStore } from '../../src/registry/credentials.js';
import { sha256Digest } from '../../src/registry/digest.js';
import { OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST } from '../../src/registry/media-types.js';
import { parseReference } from '../../src/registry/reference.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { startTokenServer, type TokenServer } from './token-server.js';

let tokens: TokenServer;
let registry: TestRegistry;
let cacheDir: string;

before(async () => {
  tokens = await startTokenServer({ users: { alice: 'wonderland' }, refreshTokens: { 'refresh-alice': 'alice' } });
  registry = await startRegistry({ tokenAuth: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certFile } });
  cacheDir = await mkdtemp(join(tmpdir(), 'fnkit-token-cache-'));
});

after(async () => {
  await registry?.stop();
  await tokens?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

function smallImage(seed: string) {
  const layer = Buffer.from(`layer ${seed}`);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] } }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: OCI_LAYER_GZIP, digest: sha256Digest(layer), size: layer.length }],
  }));
  return { layer, config, manifest };
}

test('push and pull with a bearer token obtained with basic credentials; one token per scope set', async () => {
  const client = new RegistryClient({ cacheDir, auth: new StaticCredentialStore({ [registry.host]: { username: 'alice', password: 'wonderland' } }) });
  try {
    const ref = parseReference(`${registry.host}/team/app:v1`);
    const { layer, config, manifest } = smallImage('token');
    assert.deepEqual(await client.pushBlob(ref, sha256Digest(layer), layer.length, layer), { uploaded: true });
    await client.pushBlob(ref, sha256Digest(config), config.length, config);
    const digest = await client.putManifest(ref, OCI_MANIFEST, manifest);
    assert.equal(digest, sha256Digest(manifest));
    const got = await client.getManifest({ ...ref, tag: undefined, digest });
    assert.equal(got.digest, digest);
    assert.deepEqual(await client.getBlob(ref, sha256Digest(layer)), layer);

    const granted = tokens.requests.filter((r) => r.status === 200);
    assert.ok(granted.every((r) => r.user === 'alice' && r.service === tokens.service), JSON.stringify(tokens.requests));
    // Pushing used one pull,push token for all its requests; pulling needs a pull-only token.
    const pushTokens = granted.filter((r) => r.scopes.includes('repository:team/app:pull,push'));
    assert.equal(pushTokens.length, 1, JSON.stringify(tokens.requests));
    const pullTokens = granted.filter((r) => r.scopes.includes('repository:team/app:pull'));
    assert.equal(pullTokens.length, 1, JSON.stringify(tokens.requests));
  } finally {
    client.close();
  }
});

test('a cross-repository mount asks one token for push on the target and pull on the source', async () => {
  const before = tokens.requests.length;
  const client = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({ [registry.host]: { username: 'alice', password: 'wonderland' } }) });
  try {
    const source = parseReference(`${registry.host}/team/base:1`);
    const target = parseReference(`${registry.host}/team/fn:1`);
    const data = Buffer.from('shared base layer');
    await client.pushBlob(source, sha256Digest(data), data.length, data);
    assert.deepEqual(await client.pushBlob(target, sha256Digest(data), data.length, data, { mountFrom: source }), { uploaded: false, mounted: true });
    const used = tokens.requests.slice(before);
    assert.ok(used.some((r) => r.status === 200 && r.scopes.includes('repository:team/fn:pull,push') && r.scopes.includes('repository:team/base:pull')), JSON.stringify(used));
  } finally {
    client.close();
  }
});

test('an identity token (OAuth2 refresh token) gets a bearer token by POST', async () => {
  const before = tokens.requests.length;
  const client = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({ [registry.host]: { identityToken: 'refresh-alice' } }) });
  try {
    const ref = parseReference(`${registry.host}/team/refresh:v1`);
    const data = Buffer.from('refresh flow');
    assert.deepEqual(await client.pushBlob(ref, sha256Digest(data), data.length, data), { uploaded: true });
    const used = tokens.requests.slice(before);
    assert.ok(used.some((r) => r.method === 'POST' && r.grant === 'refresh_token' && r.status === 200), JSON.stringify(used));
  } finally {
    client.close();
  }
});

test('wrong password at the token server is FN_ERR_REGISTRY_AUTH naming the registry', async () => {
  const client = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({ [registry.host]: { username: 'alice', password: 'nope' } }, '/home/u/.docker/config.json') });
  try {
    const ref = parseReference(`${registry.host}/team/app:v1`);
    await assert.rejects(client.getManifest(ref), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
      assert.match(e.message, new RegExp(registry.host.replace(/\./g, '\\.')));
      assert.match(e.message, /HTTP 401/);
      assert.match(e.hint, /\/home\/u\/\.docker\/config\.json/);
      return true;
    });
  } finally {
    client.close();
  }
});

test('anonymous: the token server grants nothing and the registry refuses, as an auth error', async () => {
  const client = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({}) });
  try {
    const ref = parseReference(`${registry.host}/team/app:v1`);
    await assert.rejects(client.hasBlob(ref, sha256Digest(Buffer.from('x'))), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
      assert.match(e.message, /refused anonymous access to pull/);
      return true;
    });
  } finally {
    client.close();
  }
});

test('a token the registry does not trust (wrong signing key) is refused as FN_ERR_REGISTRY_AUTH', async () => {
  const forged = tokens.forge('alice', [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }]);
  const client = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({ [registry.host]: { registryToken: forged } }) });
  try {
    await assert.rejects(client.getManifest(parseReference(`${registry.host}/team/app:v1`)), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
      assert.match(e.message, /HTTP 401/);
      return true;
    });
  } finally {
    client.close();
  }
});

test('a cached token the registry finds expired is replaced after the 401, and the request succeeds', async () => {
  const stale = await startTokenServer({ users: { bob: 'builder' }, expiredFirst: 1 });
  const reg = await startRegistry({ tokenAuth: { realm: stale.realm, service: stale.service, issuer: stale.issuer, rootCertBundle: stale.certFile } });
  const client = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({ [reg.host]: { username: 'bob', password: 'builder' } }) });
  try {
    const ref = parseReference(`${reg.host}/bob/app:1`);
    const data = Buffer.from('after a stale token');
    assert.deepEqual(await client.pushBlob(ref, sha256Digest(data), data.length, data), { uploaded: true });
    const granted = stale.requests.filter((r) => r.status === 200);
    assert.equal(granted.length, 2, JSON.stringify(stale.requests));
  } finally {
    client.close();
    await reg.stop();
    await stale.close();
  }
});
