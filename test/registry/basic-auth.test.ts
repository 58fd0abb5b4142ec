// htpasswd basic auth on a REAL docker-registry: credentials passed in, read from docker's
// config.json, and from a credential helper (a fake docker-credential-test on PATH, speaking
// the docker-credential-helpers protocol). skopeo, an independent reader, checks what we pushed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../src/registry/client.js';
import { StaticCredentialStore, type CredentialStore } from '../../src/registry/credentials.js';
import { sha256Digest } from '../../src/registry/digest.js';
import { DockerConfigStore } from '../../src/registry/docker-config.js';
import { parseReference } from '../../src/registry/reference.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { tinyImage, withTempDir } from './helpers.js';
import { startProxy } from './proxy.js';

const run = promisify(execFile);
const USER = 'fnkit';
const PASSWORD = 's3cret-pass';
let registry: TestRegistry;

before(async () => { registry = await startRegistry({ auth: { user: USER, password: PASSWORD } }); });
after(async () => { await registry?.stop(); });

const client = (auth: CredentialStore) => new RegistryClient({ cacheDir: false, auth, retryDelayMs: 10 });

async function roundTrip(auth: CredentialStore, repo: string) {
  const c = client(auth);
  try {
    const ref = parseReference(`${registry.host}/${repo}:1`);
    const img = tinyImage(repo);
    await c.pushBlob(ref, sha256Digest(img.layer), img.layer.length, img.layer);
    await c.pushBlob(ref, sha256Digest(img.config), img.config.length, img.config);
    const digest = await c.putManifest(ref, img.mediaType, img.manifest);
    const got = await c.getManifest(ref);
    assert.equal(got.digest, digest);
    assert.deepEqual(await c.getBlob(ref, sha256Digest(img.layer)), img.layer);
  } finally { c.close(); }
}

test('right password: push and pull', async () => {
  await roundTrip(new StaticCredentialStore({ [registry.host]: { username: USER, password: PASSWORD } }), 'basic/right');
});

test('wrong password and no credentials are FN_ERR_REGISTRY_AUTH naming the registry and the credential source', async () => {
  const ref = parseReference(`${registry.host}/basic/right:1`);
  const wrong = client(new StaticCredentialStore({ [registry.host]: { username: USER, password: 'nope' } }, '/tmp/somewhere/config.json'));
  try {
    await assert.rejects(wrong.getManifest(ref), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
      assert.ok(e.message.includes(registry.host), e.message);
      assert.match(e.message, /stored credentials to pull .*HTTP 401/);
      assert.match(e.hint, /\/tmp\/somewhere\/config\.json/);
      assert.match(e.hint, /login/);
      return true;
    });
  } finally { wrong.close(); }
  const none = client(new StaticCredentialStore({}));
  try {
    await assert.rejects(none.pushBlob(ref, sha256Digest(Buffer.from('x')), 1, Buffer.from('x')), (e: any) => {
      assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
      assert.match(e.message, /anonymous access/);
      return true;
    });
  } finally { none.close(); }
});

test('credentials from docker config.json auths (base64 user:password)', async () => {
  await withTempDir('fnkit-dockercfg-', async (dir) => {
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: { auth } } }));
    await roundTrip(new DockerConfigStore({ configDir: dir, containersAuthFile: null, env: {} }), 'cfg/auths');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:bad`).toString('base64') } } }));
    const c = client(new DockerConfigStore({ configDir: dir, containersAuthFile: null, env: {} }));
    try {
      await assert.rejects(c.getManifest(parseReference(`${registry.host}/cfg/auths:1`)), (e: any) => {
        assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
        assert.ok(e.hint.includes(join(dir, 'config.json')), e.hint);
        return true;
      });
    } finally { c.close(); }
  });
});

/** A docker-credential-<name> that logs what it was asked and answers from a script. */
async function fakeHelper(bin: string, name: string, body: string): Promise<string> {
  const log = join(bin, `${name}.log`);
  const file = join(bin, `docker-credential-${name}`);
  await writeFile(file, `#!/bin/sh\nurl=$(cat)\necho "$1 $url" >> ${log}\n${body}\n`);
  await chmod(file, 0o755);
  return log;
}

test('credential helpers: credHelpers and credsStore, found on the PATH the store was given', async () => {
  await withTempDir('fnkit-helper-', async (dir) => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    const env = { PATH: `${bin}:/usr/bin:/bin` };
    const ok = await fakeHelper(bin, 'test', `printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$url"`);
    await writeFile(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: 'test' }, auths: { [registry.host]: {} } }));
    await roundTrip(new DockerConfigStore({ configDir: dir, containersAuthFile: null, env }), 'helper/app');
    assert.deepEqual((await readFile(ok, 'utf8')).trim().split('\n'), [`get ${registry.host}`], 'asked once, for this registry');

    // credsStore answering "not found": anonymous, so the registry refuses, and the error names the helper.
    await fakeHelper(bin, 'empty', 'echo "credentials not found in native keychain"; exit 1');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ credsStore: 'empty' }));
    let c = client(new DockerConfigStore({ configDir: dir, containersAuthFile: null, env }));
    try {
      await assert.rejects(c.getManifest(parseReference(`${registry.host}/helper/app:1`)), (e: any) => {
        assert.equal(e.code, 'FN_ERR_REGISTRY_AUTH');
        assert.match(e.message, /anonymous access/);
        assert.match(e.hint, /docker-credential-empty/);
        return true;
      });
    } finally { c.close(); }

    // A helper that fails or prints garbage, and one that is not installed.
    await fakeHelper(bin, 'broken', 'echo "keychain locked" >&2; exit 3');
    await fakeHelper(bin, 'garbage', 'echo "not json"');
    for (const [name, pattern] of [['broken', /exit 3.*keychain locked/], ['garbage', /not JSON/], ['missing', /not on PATH/]] as const) {
      await writeFile(join(dir, 'config.json'), JSON.stringify({ credHelpers: { [registry.host]: name } }));
      c = client(new DockerConfigStore({ configDir: dir, containersAuthFile: null, env }));
      try {
        await assert.rejects(c.getManifest(parseReference(`${registry.host}/helper/app:1`)), (e: any) => {
          assert.equal(e.code, 'FN_ERR_CREDENTIAL_HELPER', `${name}: ${e.message}`);
          assert.match(e.message, pattern);
          assert.ok(e.message.includes(`docker-credential-${name}`));
          return true;
        });
      } finally { c.close(); }
    }
  });
});

test('credentials are not sent to another host that an upload Location names', async () => {
  const basic = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  // "storage" stands for an object store with a signed URL: it authenticates to the registry itself.
  const storage = await startProxy(registry.host, { addHeaders: { authorization: basic } });
  const front = await startProxy(registry.host, { rewriteLocation: (loc) => loc.replace(front.host, storage.host) });
  const c = client(new StaticCredentialStore({ [front.host]: { username: USER, password: PASSWORD } }));
  try {
    const ref = parseReference(`${front.host}/elsewhere/app:1`);
    const data = Buffer.from('uploaded to another host');
    assert.deepEqual(await c.pushBlob(ref, sha256Digest(data), data.length, data), { uploaded: true });
    const put = storage.seen.find((s) => s.method === 'PUT');
    assert.ok(put, JSON.stringify(storage.seen));
    assert.equal(put.authorization, undefined, 'no Authorization header reached the other host');
    assert.equal(put.status, 201);
    assert.ok(front.seen.some((s) => s.method === 'POST' && s.authorization === basic), 'the registry itself got the credentials');
    assert.equal(await c.hasBlob(ref, sha256Digest(data)), true);
  } finally {
    c.close();
    await front.close();
    await storage.close();
  }
});

test('skopeo, an independent reader, accepts the base image and the multi-arch index our client pushed', async () => {
  const pushed = await ensureTestBaseImage(registry.host, { auth: { user: USER, password: PASSWORD } });
  const creds = `--creds=${USER}:${PASSWORD}`;
  const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', creds, `docker://${pushed.reference}`]);
  const info = JSON.parse(stdout);
  assert.equal(info.Digest, pushed.digest);
  assert.equal(info.Architecture, 'amd64');
  assert.equal(info.Os, 'linux');
  await withTempDir('fnkit-skopeo-', async (dir) => {
    // A full copy makes skopeo fetch and verify every blob against its digest.
    await run('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `--src-creds=${USER}:${PASSWORD}`, `docker://${pushed.reference}`, `oci:${dir}/layout:copy`]);
    const index = JSON.parse(await readFile(join(dir, 'layout', 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].digest, pushed.digest);
    // The multi-arch index: skopeo copies it whole, every platform's manifest and blobs.
    const multi = await ensureTestBaseImage(registry.host, { multiArch: true, auth: { user: USER, password: PASSWORD } });
    const raw = JSON.parse((await run('skopeo', ['inspect', '--raw', '--tls-verify=false', creds, `docker://${multi.reference}`])).stdout);
    assert.deepEqual(raw.manifests.map((m: any) => `${m.platform.os}/${m.platform.architecture}`), ['linux/amd64', 'linux/arm64']);
    await run('skopeo', ['copy', '--quiet', '--multi-arch', 'all', '--src-tls-verify=false', `--src-creds=${USER}:${PASSWORD}`, `docker://${multi.reference}`, `oci:${dir}/multi:copy`]);
    const multiIndex = JSON.parse(await readFile(join(dir, 'multi', 'index.json'), 'utf8'));
    assert.equal(multiIndex.manifests[0].digest, multi.digest);
  });
});
