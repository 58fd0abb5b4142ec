// The GitOps path through the CLI: fn install, fn controller (its own process), fn deploy
// --via-controller, fn describe/list/delete on a controller-managed function.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startTestApiServer, type TestApiServer } from '../kube-api-server/harness.js';
import { connect } from '../../src/kube/client.js';
import { FUNCTION, KSERVICE, TRIGGER } from '../../src/kube/resources.js';
import { BIN_ENV, IMAGE, ROOT, ensureBuilt, fn, functionDir, tempDir } from '../deploy/cli-helpers.js';

let api: TestApiServer;
let work: string;
let env: Record<string, string | undefined>;
let controller: ChildProcess | undefined;
let controllerLog = '';

before(async () => {
  ensureBuilt();
  api = await startTestApiServer({ namespace: 'gitops', knativeDelayMs: 20 });
  work = await tempDir('fn-ctl-');
  env = { ...BIN_ENV, HOME: work, KUBECONFIG: api.kubeconfig };
});
after(async () => {
  if (controller && controller.exitCode === null) {
    const gone = new Promise((r) => controller!.once('exit', r));
    controller.kill('SIGTERM');
    await gone;
  }
  await api.stop();
  await rm(work, { recursive: true, force: true });
});

const kube = () => connect({ kubeconfig: api.kubeconfig }, {});
async function until(what: string, f: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}\n${controllerLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('fn install --dry-run prints the CRD, RBAC and Deployment; fn install applies them', async () => {
  const d = await fn(['install', '--dry-run', '--image', IMAGE('fnkit')], { env: { ...BIN_ENV, HOME: work } });
  assert.equal(d.code, 0, d.stderr);
  const kinds = parseAllDocuments(d.stdout).map((x) => x.toJS().kind);
  assert.deepEqual(kinds, ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment']);
  const r = await fn(['install', '--image', IMAGE('fnkit')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /installed the fnkit controller in namespace fnkit-system \(6 objects\)/);
  const objs = await api.objects();
  assert.ok(objs.some((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === 'functions.fnkit.dev'));
  assert.ok(objs.some((o) => o.kind === 'Deployment' && o.metadata.namespace === 'fnkit-system'));
  const again = await fn(['install', '--image', IMAGE('fnkit')], { env });
  assert.equal(again.code, 0, 'idempotent');
});

test('fn deploy --via-controller writes a Function; fn controller makes it a Service; fn delete removes it all', async () => {
  controller = spawn(process.execPath, [join(ROOT, 'bin/fn.js'), 'controller', '-n', 'all', '--resync', '30s'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  controller.stderr!.on('data', (d) => (controllerLog += d));
  const dir = await functionDir(work, 'orders', 'name: orders\ndeploy:\n  subscriptions:\n    - broker: default\n      filters: { type: order.created }\n');
  const dry = await fn(['deploy', dir, '--via-controller', '--dry-run', '-o', 'json', '--image', IMAGE('orders')], { env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(JSON.parse(dry.stdout).kind, 'Function');
  const r = await fn(['deploy', dir, '--via-controller', '--image', IMAGE('orders')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /applied Function gitops\/orders/);
  await until('Function Ready', async () => (await kube().tryGet<any>(FUNCTION, 'orders'))?.status?.conditions?.[0]?.status === 'True');
  const d = JSON.parse((await fn(['describe', 'orders', '-o', 'json'], { env })).stdout);
  assert.equal(d.managedBy, 'controller');
  assert.equal(d.url, 'http://orders.gitops.example.com');
  assert.equal(d.triggers.length, 1);
  const direct = await fn(['deploy', dir, '--image', IMAGE('orders')], { env });
  assert.equal(direct.code, 1, 'a direct deploy would fight the controller');
  assert.match(direct.stderr, /managed by Function "orders".*Nothing was applied/);
  const del = await fn(['delete', 'orders'], { env });
  assert.equal(del.code, 0, del.stderr);
  assert.match(del.stdout, /deleted Function gitops\/orders/);
  await until('Service gone', async () => (await kube().tryGet(KSERVICE, 'orders')) === undefined);
  assert.equal((await kube().list(TRIGGER)).items.length, 0);
  assert.match(controllerLog, /controller watching Functions in all namespaces/);
  assert.match(controllerLog, /gitops\/orders: applied Service orders/);
});
