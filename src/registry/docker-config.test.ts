import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DockerConfigStore, hostOfKey } from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function withConfig(config: unknown, fn: (store: DockerConfigStore, dir: string) => Promise<void>, podman?: unknown) {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-dcfg-'));
  try {
    if (config !== undefined) await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
    let podmanFile: string | null = null;
    if (podman !== undefined) { podmanFile = join(dir, 'auth.json'); await writeFile(podmanFile, JSON.stringify(podman)); }
    await fn(new DockerConfigStore({ configDir: dir, containersAuthFile: podmanFile, env: { PATH: '/nonexistent' } }), dir);
  } finally { await rm(dir, { recursive: true, force: true }); }
}

test('hostOfKey: docker ConvertToHostname', () => {
  assert.equal(hostOfKey('https://index.docker.io/v1/'), 'index.docker.io');
  assert.equal(hostOfKey('http://localhost:5000'), 'localhost:5000');
  assert.equal(hostOfKey('ghcr.io'), 'ghcr.io');
  assert.equal(hostOfKey('registry.example.com/v2/'), 'registry.example.com');
});

test('auths: base64 auth, separate username/password, tokens; Docker Hub under its v1 URL', async () => {
  await withConfig({
    auths: {
      'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
      'http://localhost:5000': { auth: b64('u:p') },
      'ghcr.io': { username: 'gh', password: 'tok' },
      'quay.io': { identitytoken: 'refresh' },
      'reg.example': { registrytoken: 'bearer-abc' },
      'empty.example': {},
    },
  }, async (store) => {
    assert.deepEqual(await store.get('docker.io'), { username: 'hubuser', password: 'hub:pass' });
    assert.deepEqual(await store.get('localhost:5000'), { username: 'u', password: 'p' });
    assert.deepEqual(await store.get('ghcr.io'), { username: 'gh', password: 'tok' });
    assert.deepEqual(await store.get('quay.io'), { identityToken: 'refresh' });
    assert.deepEqual(await store.get('reg.example'), { registryToken: 'bearer-abc' });
    assert.equal(await store.get('empty.example'), undefined);
    assert.equal(await store.get('other.example'), undefined);
  });
});

test('no config file, or an empty one: anonymous', async () => {
  await withConfig(undefined, async (store) => assert.equal(await store.get('docker.io'), undefined));
  await withConfig('', async (store) => assert.equal(await store.get('docker.io'), undefined));
});

test('podman auth.json is read when docker config has nothing for the host', async () => {
  await withConfig({ auths: { 'a.example': { auth: b64('a:1') } } }, async (store, dir) => {
    assert.deepEqual(await store.get('a.example'), { username: 'a', password: '1' });
    assert.deepEqual(await store.get('b.example'), { username: 'b', password: '2' });
    assert.equal(store.describe('b.example'), join(dir, 'auth.json'));
  }, { auths: { 'b.example': { auth: b64('b:2') } } });
});

test('bad config: invalid JSON, not an object, auth without a colon; errors name the file', async () => {
  for (const [text, pattern] of [['{nope', /not valid JSON/], ['[1]', /not a JSON object/]] as const) {
    await withConfig(text, async (store, dir) => {
      await assert.rejects(store.get('x.example'), (e: any) => {
        assert.equal(e.code, 'FN_ERR_DOCKER_CONFIG');
        assert.match(e.message, pattern);
        assert.ok(e.message.includes(join(dir, 'config.json')));
        return true;
      });
    });
  }
  await withConfig({ auths: { 'x.example': { auth: b64('no-colon') } } }, async (store) => {
    await assert.rejects(store.get('x.example'), { code: 'FN_ERR_DOCKER_CONFIG', message: /not base64 of "user:password"/ });
  });
});

test('DOCKER_CONFIG from the environment given to the store', () => {
  const s = new DockerConfigStore({ env: { DOCKER_CONFIG: '/cfg', HOME: '/home/u' }, containersAuthFile: null });
  assert.equal(s.configFile, '/cfg/config.json');
  assert.equal(new DockerConfigStore({ env: { HOME: '/home/u' } }).configFile, '/home/u/.docker/config.json');
  assert.equal(new DockerConfigStore({ env: { HOME: '/h', XDG_RUNTIME_DIR: '/run/user/1' } }).containersAuthFile, '/run/user/1/containers/auth.json');
  assert.equal(new DockerConfigStore({ env: { HOME: '/h', REGISTRY_AUTH_FILE: '/a.json' } }).containersAuthFile, '/a.json');
});
