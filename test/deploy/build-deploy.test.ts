// The whole path with nothing faked but the cluster: fn deploy builds the function, pushes it to
// a real registry (Debian's docker-registry on loopback), deploys the digest-pinned reference to
// the test API server; a second deploy rebuilds the same digest, so no new revision.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { startRegistry, type TestRegistry } from '../support/registry.js';
import { ensureTestBaseImage } from '../support/base-image.js';
import { startTestApiServer, type TestApiServer } from '../kube-api-server/harness.js';
import { connect } from '../../src/kube/client.js';
import { KSERVICE, REVISION } from '../../src/kube/resources.js';
import { BIN_ENV, ensureBuilt, fn, functionDir, tempDir } from './cli-helpers.js';

let reg: TestRegistry;
let api: TestApiServer;
let work: string;
let dir: string;
let env: Record<string, string | undefined>;

before(async () => {
  ensureBuilt();
  reg = await startRegistry();
  const base = (await ensureTestBaseImage(reg.host)).reference;
  api = await startTestApiServer({ namespace: 'built', knativeDelayMs: 20 });
  work = await tempDir('fn-build-deploy-');
  dir = await functionDir(work, 'hello-ts', `name: hello-ts\nhandler: index.ts\nbuild:\n  base: ${base}\n  image: ${reg.host}/hello-ts\n`);
  env = { ...BIN_ENV, HOME: work, KUBECONFIG: api.kubeconfig };
});
after(async () => {
  await api?.stop();
  await reg?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('fn deploy without --image builds, pushes and deploys the digest; a rebuild of the same source changes nothing', async () => {
  const first = await fn(['deploy', dir, '-o', 'json'], { env, timeoutMs: 120_000 });
  assert.equal(first.code, 0, first.stderr);
  const r1 = JSON.parse(first.stdout);
  assert.match(r1.image, new RegExp(`^${reg.host.replace(/\./g, '\\.')}/hello-ts@sha256:[0-9a-f]{64}$`));
  const digest = r1.image.split('@')[1];
  const pushed = await fetch(`${reg.url}/v2/hello-ts/manifests/${digest}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' } });
  assert.equal(pushed.status, 200, 'the deployed digest is in the registry');
  const kube = connect({ kubeconfig: api.kubeconfig }, {});
  assert.equal((await kube.get<any>(KSERVICE, 'hello-ts')).spec.template.spec.containers[0].image, r1.image);

  const second = await fn(['deploy', dir, '-o', 'json'], { env, timeoutMs: 120_000 });
  assert.equal(second.code, 0, second.stderr);
  const r2 = JSON.parse(second.stdout);
  assert.equal(r2.image, r1.image, 'reproducible build: same digest');
  assert.equal(r2.unchanged, true);
  assert.deepEqual((await kube.list<any>(REVISION)).items.map((x) => x.metadata.name), ['hello-ts-00001']);

  const dry = await fn(['deploy', dir, '--dry-run', '-o', 'json'], { env: { ...BIN_ENV, HOME: work }, timeoutMs: 120_000 });
  assert.equal(dry.code, 0, dry.stderr);
  const svc = JSON.parse(dry.stdout); // one document: the Service (no subscriptions)
  assert.equal(svc.kind, 'Service');
  assert.equal(svc.spec.template.spec.containers[0].image, r1.image, 'a dry run builds the same digest without pushing');
});
