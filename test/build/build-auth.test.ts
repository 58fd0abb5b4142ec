// fn build --push to a registry with htpasswd basic auth (the real docker-registry): the right
// credentials from a docker config.json push; a wrong password is FN_ERR_REGISTRY_AUTH naming
// the registry and where credentials were read, and leaves no tag behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { tempDir, tsFunction, runFn, removeAll, registryManifest } from './fixtures.js';

const USER = 'builder';
const PASSWORD = 's3cret-pw';
let reg: TestRegistry;
let base: string;
let home: string;
const temps: string[] = [];

before(async () => {
  reg = await startRegistry({ auth: { user: USER, password: PASSWORD } });
  base = (await ensureTestBaseImage(reg.host, { auth: { user: USER, password: PASSWORD } })).reference;
  home = await tempDir('auth-home');
  temps.push(home);
});
after(async () => {
  await reg?.stop();
  await removeAll(temps);
});

/** A DOCKER_CONFIG folder with one auth entry for the test registry. */
async function dockerConfig(name: string, password: string): Promise<string> {
  const dir = join(home, name);
  await mkdir(dir, { recursive: true });
  const auth = Buffer.from(`${USER}:${password}`).toString('base64');
  await writeFile(join(dir, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth } } }));
  return dir;
}

function env(configDir: string): NodeJS.ProcessEnv {
  return { DOCKER_CONFIG: configDir, REGISTRY_AUTH_FILE: join(home, 'no-auth.json'), XDG_CACHE_HOME: join(home, 'cache'), HOME: home };
}

test('right credentials from config.json: pushed and tagged', async () => {
  const dir = await tsFunction(await tempDir('auth-fn'), base);
  temps.push(dir);
  const r = await runFn(['build', dir, '--image', `${reg.host}/private/app:1`, '--push'], { env: env(await dockerConfig('good', PASSWORD)) });
  assert.equal(r.code, 0, r.stderr);
  const tagged = await registryManifest(reg.host, 'private/app', '1', `${USER}:${PASSWORD}`);
  assert.equal(`${reg.host}/private/app@${tagged.digest}`, r.stdout.trim());
});

test('wrong password: FN_ERR_REGISTRY_AUTH names the registry and the config file; no tag', async () => {
  const dir = await tsFunction(await tempDir('auth-fn'), base);
  temps.push(dir);
  const cfg = await dockerConfig('bad', 'wrong-password');
  const r = await runFn(['build', dir, '--image', `${reg.host}/private/never:1`, '--push'], { env: env(cfg) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[FN_ERR_REGISTRY_AUTH\]/);
  assert.ok(r.stderr.includes(reg.host), r.stderr);
  assert.ok(r.stderr.includes(join(cfg, 'config.json')), r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(await registryManifest(reg.host, 'private/never', '1', `${USER}:${PASSWORD}`), undefined);
});

test('no credentials at all: the same clear error, not a crash', async () => {
  const dir = await tsFunction(await tempDir('auth-fn'), base);
  temps.push(dir);
  const r = await runFn(['build', dir, '--image', `${reg.host}/private/none:1`, '--push'], { env: env(join(home, 'empty')) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[FN_ERR_REGISTRY_AUTH\]/);
  assert.match(r.stderr, /hint: /);
});
