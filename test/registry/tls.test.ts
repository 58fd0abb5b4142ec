// A REAL docker-registry serving HTTPS with a self-signed certificate on loopback: without the
// insecure option the client says the certificate is untrusted (instead of falling back to
// plain HTTP and earning a confusing 400); with it, push and pull work over TLS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { StaticCredentialStore } from '../../src/registry/credentials.js';
import { sha256Digest } from '../../src/registry/digest.js';
import { parseReference } from '../../src/registry/reference.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { tinyImage } from './helpers.js';

let registry: TestRegistry;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fnkit-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'pipe' });
  registry = await startRegistry({ tls: { certificate: cert, key } });
});

after(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('an untrusted certificate is FN_ERR_REGISTRY_UNREACHABLE that says so and how to fix it', async () => {
  assert.match(registry.url, /^https:/);
  const c = new RegistryClient({ cacheDir: false, auth: new StaticCredentialStore({}) });
  try {
    await assert.rejects(c.getManifest(parseReference(`${registry.host}/tls/app:1`)), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_UNREACHABLE');
      assert.match(e.message, /TLS certificate this machine does not trust/);
      assert.match(e.message, /SELF_SIGNED/);
      assert.match(e.hint, /NODE_EXTRA_CA_CERTS/);
      assert.match(e.hint, /insecure/);
      return true;
    });
  } finally { c.close(); }
});

test('insecure: push and pull over TLS without verifying the certificate', async () => {
  const c = new RegistryClient({ cacheDir: false, insecure: true, auth: new StaticCredentialStore({}) });
  try {
    const ref = parseReference(`${registry.host}/tls/app:1`);
    const img = tinyImage('tls');
    await c.pushBlob(ref, sha256Digest(img.layer), img.layer.length, img.layer);
    await c.pushBlob(ref, sha256Digest(img.config), img.config.length, img.config);
    const digest = await c.putManifest(ref, img.mediaType, img.manifest);
    assert.equal((await c.getManifest(ref)).digest, digest);
  } finally { c.close(); }
});
