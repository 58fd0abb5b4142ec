// The bad inputs of fn deploy and friends, through the CLI: each a clear error with its code, and
// never a hidden half-apply (the message says what was applied).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestApiServer, type TestApiServer } from '../kube-api-server/harness.js';
import { connect } from '../../src/kube/client.js';
import { KSERVICE, TRIGGER } from '../../src/kube/resources.js';
import { BIN_ENV, IMAGE, ensureBuilt, fn, functionDir, tempDir } from './cli-helpers.js';

let api: TestApiServer;
let work: string;
let dir: string;
let env: Record<string, string | undefined>;

const yaml = (name: string) => `name: ${name}\ndeploy:\n  subscriptions:\n    - broker: default\n      filters: { type: t.x }\n`;

before(async () => {
  ensureBuilt();
  api = await startTestApiServer({
    namespace: 'dev', token: 'tok-dev', knativeDelayMs: 20,
    auth: { tokens: { 'tok-dev': 'dev-user', 'tok-ro': 'viewer' }, deny: [{ user: 'viewer', verb: 'patch' }, { user: 'dev-user', verb: 'patch', resource: 'triggers' , namespace: 'no-triggers' }] },
  });
  work = await tempDir('fn-deploy-err-');
  dir = await functionDir(work, 'svc', yaml('svc'));
  env = { ...BIN_ENV, HOME: work, KUBECONFIG: api.kubeconfig };
});
after(async () => {
  await api.stop();
  await rm(work, { recursive: true, force: true });
});

test('no kubeconfig: says where it looked', async () => {
  const r = await fn(['deploy', dir, '--image', IMAGE('svc')], { env: { ...BIN_ENV, HOME: work } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no Kubernetes configuration found: KUBECONFIG is not set, ~\/\.kube\/config does not exist.*\[FN_ERR_NO_KUBECONFIG\]/);
  const l = await fn(['list'], { env: { ...BIN_ENV, HOME: work, KUBECONFIG: join(work, 'missing') } });
  assert.equal(l.code, 1);
  assert.match(l.stderr, /none of the files in KUBECONFIG exists/);
  const c = await fn(['list', '--context', 'prod'], { env });
  assert.equal(c.code, 1);
  assert.match(c.stderr, /context "prod" is not in .*; it has: test/);
});

test('unreachable cluster: names the server URL', async () => {
  const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as any).port; s.close(() => resolve(p)); }); });
  const kc = await api.writeKubeconfig(join(work, 'dead'), { server: `http://127.0.0.1:${port}` });
  const r = await fn(['deploy', dir, '--image', IMAGE('svc')], { env: { ...env, KUBECONFIG: kc } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cannot reach the Kubernetes API server at http://127\\.0\\.0\\.1:${port} \\(context "test"\\).*\\[FN_ERR_KUBE_UNREACHABLE\\]`));
});

test('403: names the user, verb, resource and namespace; nothing applied', async () => {
  const kc = await api.writeKubeconfig(join(work, 'viewer'), { token: 'tok-ro', namespace: 'dev' });
  const r = await fn(['deploy', dir, '--image', IMAGE('svc')], { env: { ...env, KUBECONFIG: kc } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /may not patch services\.serving\.knative\.dev "svc" in namespace "dev" \(403 Forbidden/);
  assert.match(r.stderr, /User "viewer" cannot patch/);
  assert.match(r.stderr, /Nothing was applied\./);
  assert.match(r.stderr, /hint: ask a cluster admin for a Role that allows "patch"/);
});

test('403 on the Trigger after the Service: the error says the Service was applied', async () => {
  const r = await fn(['deploy', dir, '--image', IMAGE('svc'), '-n', 'no-triggers'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /may not patch triggers\.eventing\.knative\.dev/);
  assert.match(r.stderr, /Applied before this: Service no-triggers\/svc \(generation 1\)/);
  assert.ok(await connect({ kubeconfig: api.kubeconfig, namespace: 'no-triggers' }, {}).tryGet(KSERVICE, 'svc'));
});

test('a Service field owned by another field manager: conflict names manager and field; --force-conflicts takes it', async () => {
  const kube = connect({ kubeconfig: api.kubeconfig }, {});
  await kube.apply(KSERVICE, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'svc' }, spec: { template: { spec: { containers: [{ name: 'user-container', image: IMAGE('svc', 'b') }] } } } }, { fieldManager: 'kubectl-edit' });
  const r = await fn(['deploy', dir, '--image', IMAGE('svc')], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /owned by another field manager \(kubectl-edit\): \.spec\.template\.spec\.containers\[name="user-container"\]\.image.*Nothing was applied\./);
  assert.match(r.stderr, /hint: run fn deploy again with --force-conflicts/);
  assert.equal((await kube.list(TRIGGER)).items.length, 0, 'no Trigger applied after the failed Service');
  const f = await fn(['deploy', dir, '--image', IMAGE('svc'), '--force-conflicts'], { env });
  assert.equal(f.code, 0, f.stderr);
  assert.equal((await kube.get<any>(KSERVICE, 'svc')).spec.template.spec.containers[0].image, IMAGE('svc'));
  const forced = (await api.requests()).filter((q) => q.method === 'PATCH' && q.query.force === 'true');
  assert.ok(forced.length >= 1);
});

test('timeout waiting for Ready: says what was applied and the last condition', async () => {
  const d = await functionDir(work, 'slow', yaml('slow'));
  const t0 = Date.now();
  const r = await fn(['deploy', d, '--image', '127.0.0.1:5000/never-ready@sha256:' + 'c'.repeat(64), '--wait-timeout', '1s'], { env });
  assert.equal(r.code, 1);
  assert.ok(Date.now() - t0 < 15_000);
  assert.match(r.stderr, /"slow" did not become ready within 1s; last Ready condition: Unknown \(RevisionMissing: Configuration "slow" is waiting for a Revision to become ready\.\)/);
  assert.match(r.stderr, /Applied before this: Service dev\/slow \(generation 1\), Trigger dev\/slow-default-/);
  assert.match(r.stderr, /\[FN_ERR_DEPLOY_TIMEOUT\]/);
  assert.match(r.stderr, /fn delete slow/);
});

test('Knative fails the revision: reason and message from the Ready condition', async () => {
  const d = await functionDir(work, 'broken', yaml('broken'));
  const r = await fn(['deploy', d, '--image', '127.0.0.1:5000/fail@sha256:' + 'd'.repeat(64)], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Knative could not make "broken" ready: RevisionFailed: Revision "broken-00001" failed with message: Unable to fetch image/);
  assert.match(r.stderr, /Applied before this: Service dev\/broken/);
});

test('bad flags and images are usage errors before any request', async () => {
  const before = (await api.requests()).length;
  const cases: Array<[string[], number, RegExp]> = [
    [['deploy', dir, '--image', '127.0.0.1:5000/svc:latest'], 1, /is not pinned by digest/],
    [['deploy', dir, '--no-build'], 2, /--no-build needs --image/],
    [['deploy', dir, '--image', IMAGE('svc'), '--wait-timeout', 'soon'], 2, /--wait-timeout "soon"/],
    [['deploy', join(work, 'nowhere'), '--image', IMAGE('svc')], 1, /no fn\.yaml in/],
    [['deploy', dir, '--image', IMAGE('svc'), '-o', 'xml'], 1, /unknown output format "xml"/],
    [['logs', 'svc', '--since', 'yesterday'], 2, /--since "yesterday"/],
    [['controller', '--resync', '10ms'], 2, /--resync must be at least 1s/],
  ];
  for (const [args, code, re] of cases) {
    const r = await fn(args, { env });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  assert.equal((await api.requests()).length, before, 'nothing reached the cluster');
});

test('an invalid deploy section is rejected before anything is sent, naming the field', async () => {
  const d = await functionDir(work, 'badscale', 'name: badscale\ndeploy:\n  scale: { min: 5, max: 2 }\n');
  const before = (await api.requests()).length;
  const r = await fn(['deploy', d, '--image', IMAGE('badscale')], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /deploy\.scale/);
  assert.equal((await api.requests()).length, before);
});

test('a cluster without Knative: says so and what to install', async () => {
  const bare = await startTestApiServer({ missingGroups: ['serving.knative.dev', 'eventing.knative.dev'] });
  try {
    const e = { ...env, KUBECONFIG: bare.kubeconfig };
    const l = await fn(['list'], { env: e });
    assert.equal(l.code, 1);
    assert.match(l.stderr, /does not serve services\.serving\.knative\.dev \(404\).*\[FN_ERR_KUBE_NO_RESOURCE_TYPE\]/);
    assert.match(l.stderr, /hint: install Knative Serving/);
    const d = await fn(['deploy', dir, '--image', IMAGE('svc')], { env: e });
    assert.equal(d.code, 1);
    assert.match(d.stderr, /does not serve services\.serving\.knative\.dev.*Nothing was applied/);
  } finally {
    await bare.stop();
  }
});
