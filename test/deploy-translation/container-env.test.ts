// The generated Service's container settings against the REAL invoker in a real process on a
// real port: the probes hit the invoker's health routes, and the request deadline the invoker
// enforces is the Service's timeoutSeconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFunction } from '../../src/config/fn-yaml.js';
import { toKnativeService } from '../../src/deploy/manifest.js';

const here = dirname(fileURLToPath(import.meta.url));
const IMAGE = `r.example.com/f@sha256:${'e5'.repeat(32)}`;

/** Starts the container entry with the Service's env; resolves with its base URL once it logs "ready". */
async function start(yaml: string, extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess; svc: ReturnType<typeof toKnativeService> }> {
  const svc = toKnativeService(parseFunction(yaml, '/fns/hello/fn.yaml'), IMAGE);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', K_SERVICE: 'hello', K_REVISION: 'hello-00001', K_CONFIGURATION: 'hello' };
  for (const e of svc.spec.template.spec.containers[0].env) if (e.value !== undefined) env[e.name] = e.value;
  // PORT 0: a free port (Knative would say 8080); loopback only.
  Object.assign(env, { PORT: '0', FN_HOST: '127.0.0.1', ...extraEnv });
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures/container.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "ready" within 20 s; stderr: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`container exited ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { msg?: string; address?: string };
        if (rec.msg === 'ready' && rec.address) {
          clearTimeout(timer);
          resolve(rec.address.replace('0.0.0.0', '127.0.0.1'));
        }
      } catch { /* not a log line */ }
    });
  });
  return { url, child, svc };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

test('the probes of the generated Service answer 200 from the real invoker (with and without a reserved prefix)', async () => {
  for (const yaml of ['name: hello\n', 'name: hello\ninvoker: {reservedPrefix: /_fn}\n']) {
    const { url, child, svc } = await start(yaml);
    try {
      const c = svc.spec.template.spec.containers[0];
      for (const probe of [c.readinessProbe, c.livenessProbe]) {
        assert.equal(probe.httpGet.port, undefined, 'Knative probes the container port');
        const res = await fetch(`${url}${probe.httpGet.path}`, { headers: { 'user-agent': 'kube-probe/1.31' } });
        assert.equal(res.status, 200, `${yaml} ${probe.httpGet.path}`);
        await res.arrayBuffer();
      }
      const fn = await fetch(`${url}/`);
      assert.deepEqual(await fn.json(), { hello: 'world' });
    } finally {
      await stop(child);
    }
  }
});

test('the invoker answers 504 at timeoutSeconds, not before', async () => {
  const { url, child, svc } = await start('name: hello\ntimeout: 1\n', { TEST_SLEEP_MS: '5000' });
  try {
    assert.equal(svc.spec.template.spec.timeoutSeconds, 1);
    const t0 = Date.now();
    const res = await fetch(`${url}/`);
    const elapsed = Date.now() - t0;
    await res.arrayBuffer();
    assert.equal(res.status, 504);
    assert.ok(elapsed >= 950 && elapsed < 4000, `504 after ${elapsed} ms`);
  } finally {
    await stop(child);
  }
});
