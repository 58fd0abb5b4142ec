// The images fn build makes, run for real: pushed to a real registry, pulled and run by podman
// (runc, host network: ../shared/environment.md), called over HTTP and as a CloudEvent, stopped
// with SIGTERM during a slow request; and the --tar output loaded with `podman load`. Every
// container and image this suite creates is removed, also on failure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRegistry, freePort, type TestRegistry } from '../support/registry.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { tempDir, tsFunction, lambdaFunction, runFn, removeAll, registryManifest } from './fixtures.js';

const exec = promisify(execFile);
let reg: TestRegistry;
let base: string;
const temps: string[] = [];
const containers: string[] = [];
const images: string[] = [];
let cacheHome: string;
let seq = 0;

before(async () => {
  reg = await startRegistry();
  base = (await ensureTestBaseImage(reg.host)).reference;
  cacheHome = await tempDir('podman-cache');
  temps.push(cacheHome);
});
after(async () => {
  for (const c of containers) await exec('podman', ['rm', '-f', c]).catch(() => undefined);
  for (const i of images) await exec('podman', ['rmi', '-f', i]).catch(() => undefined);
  await reg?.stop();
  await removeAll(temps);
});

async function build(dir: string, args: string[]): Promise<string> {
  const r = await runFn(['build', dir, ...args], { env: { XDG_CACHE_HOME: cacheHome } });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}

/** podman run -d with the flags these machines need; returns name and port. */
async function runImage(image: string): Promise<{ name: string; port: number; url: string }> {
  const name = `fnkit-build-test-${process.pid}-${++seq}`;
  const port = await freePort();
  containers.push(name);
  await exec('podman', ['--runtime', 'runc', 'run', '-d', '--name', name, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--network', 'host', '-e', `PORT=${port}`, image]);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/`);
      await res.arrayBuffer();
      return { name, port, url };
    } catch {
      if (Date.now() > deadline) {
        const logs = await exec('podman', ['logs', name]).catch((e) => ({ stdout: '', stderr: String(e) }));
        throw new Error(`container ${name} did not answer on ${url} within 30 s:\n${logs.stdout}${logs.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

async function pull(ref: string): Promise<void> {
  images.push(ref);
  await exec('podman', ['pull', '-q', '--tls-verify=false', ref]);
}

test('TypeScript function: pushed, pulled, answers HTTP and a binary CloudEvent, drains on SIGTERM and exits 0', async () => {
  const dir = await tsFunction(await tempDir('podman-ts'), base);
  temps.push(dir);
  const ref = await build(dir, ['--image', `${reg.host}/podman-ts:1`, '--push']);
  assert.match(ref, /@sha256:[0-9a-f]{64}$/);
  await pull(ref);
  const c = await runImage(ref);

  const res = await fetch(`${c.url}/hi?x=1`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { greeting: 'hello from fnkit', path: '/hi' });

  const ce = await fetch(`${c.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ce-id': 'e-1', 'ce-source': '/test/podman', 'ce-type': 'dev.fnkit.test', 'ce-specversion': '1.0' },
    body: JSON.stringify({ n: 42 }),
  });
  assert.equal(ce.status, 200);
  assert.deepEqual(await ce.json(), { received: { n: 42 }, type: 'dev.fnkit.test' });
  assert.equal(ce.headers.get('ce-specversion'), '1.0');
  assert.equal(ce.headers.get('ce-type'), 'hello-ts.reply');
  const logs = await exec('podman', ['logs', c.name]);
  assert.match(logs.stdout + logs.stderr, /"codeCache":"accepted"/, 'the container\'s node took the code cache fn build made with the base\'s node');

  const slow = fetch(`${c.url}/slow?ms=2000`);
  await new Promise((r) => setTimeout(r, 400));
  await exec('podman', ['kill', '--signal', 'TERM', c.name]);
  const slowRes = await slow;
  assert.equal(slowRes.status, 200, 'the in-flight request completes after SIGTERM');
  assert.deepEqual(await slowRes.json(), { slow: true });
  const { stdout } = await exec('podman', ['wait', c.name]);
  assert.equal(stdout.trim(), '0', 'the container exits 0 after draining');
});

test('Lambda function: task root files at /var/task, LAMBDA_TASK_ROOT set, secrets left out', async () => {
  const dir = await lambdaFunction(await tempDir('podman-lambda'), base);
  temps.push(dir);
  const ref = await build(dir, ['--image', `${reg.host}/podman-lambda:1`, '--push']);
  const manifest = await registryManifest(reg.host, 'podman-lambda', ref.split('@')[1]!);
  const layerRes = await fetch(`${reg.url}/v2/podman-lambda/blobs/${manifest.json.layers.at(-1).digest}`);
  const layerFile = join(dir, 'layer.tar.gz');
  await writeFile(layerFile, Buffer.from(await layerRes.arrayBuffer()));
  const listing = (await exec('tar', ['-tzf', layerFile])).stdout.split('\n').filter(Boolean);
  assert.ok(listing.includes('var/task/src/app.js'));
  assert.ok(listing.includes('var/task/src/helper.js'));
  assert.ok(listing.includes('app/main.cjs'), 'the Lambda entry has no top-level await: CommonJS');
  assert.ok(!listing.some((p) => p.includes('.env')), '.env never ships unless listed by name');
  assert.ok(!listing.some((p) => p.endsWith('fn.yaml')));

  await pull(ref);
  const c = await runImage(ref);
  const res = await fetch(`${c.url}/orders/7`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { from: 'lambda', path: '/orders/7', taskRoot: '/var/task', helper: 'helper' });
  const logs = await exec('podman', ['logs', c.name]);
  assert.match(logs.stdout + logs.stderr, /"codeCache":"accepted"/);
  await exec('podman', ['rm', '-f', c.name]);
});

test('--tar output: podman load accepts it and the loaded image runs', async () => {
  const dir = await tsFunction(await tempDir('podman-tar'), base);
  temps.push(dir);
  const tarFile = join(dir, 'image.tar');
  const tag = `localhost/fnkit-tar-test-${process.pid}:1`;
  await build(dir, ['--image', tag, '--tar', tarFile]);
  images.push(tag);
  const loaded = await exec('podman', ['load', '-i', tarFile]);
  assert.match(loaded.stdout + loaded.stderr, new RegExp(`Loaded image.*${tag.replace(/[.:/]/g, '\\$&')}`));
  const c = await runImage(tag);
  const res = await fetch(`${c.url}/from-tar`);
  assert.deepEqual(await res.json(), { greeting: 'hello from fnkit', path: '/from-tar' });
  await exec('podman', ['rm', '-f', c.name]);
});
