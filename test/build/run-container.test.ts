// fn run --container: runContainer builds, loads into podman, serves on the given port, and on
// abort stops (SIGTERM) and removes the container. Plus the engine lookup and run arguments.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startRegistry, freePort, type TestRegistry } from '../support/registry.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { runContainer, findEngine, runArgs } from '../../src/run/container.js';
import { tempDir, tsFunction, removeAll } from './fixtures.js';

const exec = promisify(execFile);
let reg: TestRegistry;
let base: string;
const temps: string[] = [];

before(async () => {
  reg = await startRegistry();
  base = (await ensureTestBaseImage(reg.host, { multiArch: true })).reference;
});
after(async () => {
  await exec('podman', ['rmi', '-f', 'localhost/fnkit-run/run-container-test:latest']).catch(() => undefined);
  await reg?.stop();
  await removeAll(temps);
});

test('runContainer serves the function from a multi-arch base and removes the container on abort', async () => {
  const dir = await tsFunction(await tempDir('run-container'), base);
  temps.push(dir);
  const { writeFile, readFile } = await import('node:fs/promises');
  const yaml = (await readFile(`${dir}/fn.yaml`, 'utf8')).replace('name: hello-ts', 'name: run-container-test');
  await writeFile(`${dir}/fn.yaml`, yaml + 'env:\n  FROM_YAML: "1"\n');
  const spec = await loadFunction(dir);
  const port = await freePort();
  const controller = new AbortController();
  const logs: string[] = [];
  const done = runContainer(spec, { port, signal: controller.signal, log: (l) => logs.push(l), env: { EXTRA: 'x' } });
  let failed: unknown;
  done.catch((e) => (failed = e));
  const name = `fnkit-run-run-container-test-${process.pid}`;
  try {
    const deadline = Date.now() + 90_000;
    let body: any;
    while (!body) {
      if (failed) throw failed;
      if (Date.now() > deadline) throw new Error(`no answer on ${port}; logs:\n${logs.join('\n')}`);
      try {
        body = await (await fetch(`http://127.0.0.1:${port}/x`)).json();
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    assert.deepEqual(body, { greeting: 'hello from fnkit', path: '/x' });
    const ps = await exec('podman', ['ps', '--filter', `name=${name}`, '--format', '{{.Names}}']);
    assert.equal(ps.stdout.trim(), name);
  } finally {
    controller.abort();
    await done.catch(() => undefined);
    await exec('podman', ['rm', '-f', name]).catch(() => undefined);
  }
  assert.equal(failed, undefined);
  const after = await exec('podman', ['ps', '-a', '--filter', `name=${name}`, '--format', '{{.Names}}']);
  assert.equal(after.stdout.trim(), '', 'the container is removed');
  assert.ok(logs.some((l) => l.includes('running ' + name)));
});

test('findEngine: podman before docker; neither is a clear error naming both', async () => {
  const dir = await tempDir('engines');
  temps.push(dir);
  const { writeFile, chmod, mkdir } = await import('node:fs/promises');
  await mkdir(`${dir}/a`);
  await mkdir(`${dir}/b`);
  for (const [sub, name] of [['a', 'docker'], ['b', 'podman'], ['b', 'runc']]) {
    await writeFile(`${dir}/${sub}/${name}`, '#!/bin/sh\n');
    await chmod(`${dir}/${sub}/${name}`, 0o755);
  }
  assert.deepEqual(await findEngine(`${dir}/a:${dir}/b`), { name: 'podman', path: `${dir}/b/podman`, runc: `${dir}/b/runc` });
  assert.deepEqual(await findEngine(`${dir}/a`), { name: 'docker', path: `${dir}/a/docker` });
  await assert.rejects(findEngine(`${dir}/nothing-here`), { code: 'FN_ERR_NO_CONTAINER_ENGINE', message: /needs podman or docker, and neither is on PATH/ });
  await assert.rejects(findEngine(undefined), { code: 'FN_ERR_NO_CONTAINER_ENGINE' });
});

test('runArgs: host network and PORT on Linux, a published port elsewhere, env passed', () => {
  const linux = runArgs({ name: 'podman', path: 'podman', runc: '/usr/sbin/runc' }, 'c1', 'img', 9000, { A: '1' }, 'linux');
  assert.deepEqual(linux, ['--runtime', '/usr/sbin/runc', 'run', '--rm', '--name', 'c1', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--network', 'host', '-e', 'PORT=9000', '-e', 'A=1', 'img']);
  const mac = runArgs({ name: 'docker', path: 'docker' }, 'c1', 'img', 9000, {}, 'darwin');
  assert.deepEqual(mac, ['run', '--rm', '--name', 'c1', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '-p', '127.0.0.1:9000:8080', 'img']);
});
