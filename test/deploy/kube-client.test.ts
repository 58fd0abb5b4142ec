// The kube client against the test API server (its own process, real port): apply semantics,
// watch, status writes with optimistic concurrency, delete, and every error it must name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startTestApiServer, type TestApiServer } from '../kube-api-server/harness.js';
import { KubeClient, connect } from '../../src/kube/client.js';
import { loadKubeTarget } from '../../src/kube/config.js';
import { KSERVICE, TRIGGER } from '../../src/kube/resources.js';
import { FnkitError } from '../../src/errors.js';

let api: TestApiServer;
let kube: KubeClient;
before(async () => {
  api = await startTestApiServer({
    auth: { tokens: { 'tok-alice': 'alice', 'tok-bob': 'bob' }, deny: [{ user: 'bob', verb: 'patch', resource: 'services', namespace: 'prod' }] },
    token: 'tok-alice', namespace: 'team-a', knativeDelayMs: 10,
  });
  kube = connect({ kubeconfig: api.kubeconfig }, {});
});
after(() => api.stop());

const svc = (name: string, image: string) => ({
  apiVersion: 'serving.knative.dev/v1', kind: 'Service',
  metadata: { name, labels: { 'app.kubernetes.io/name': name, tier: 'fn' } },
  spec: { template: { spec: { containers: [{ name: 'user-container', image }] } } },
});

async function rejects(p: Promise<unknown>, code: string, re: RegExp): Promise<FnkitError> {
  try { await p; } catch (err) {
    assert.ok(err instanceof FnkitError, `expected FnkitError, got ${err}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, re);
    return err;
  }
  assert.fail(`expected ${code}`);
}

test('the namespace comes from the context unless given', () => {
  assert.equal(kube.namespace, 'team-a');
  assert.equal(connect({ kubeconfig: api.kubeconfig, namespace: 'other' }, {}).namespace, 'other');
});

test('apply creates, an identical apply is a no-op, a change bumps generation', async () => {
  const a = await kube.apply<any>(KSERVICE, svc('one', 'img@sha256:1'));
  assert.equal(a.metadata.generation, 1);
  assert.equal(a.metadata.namespace, 'team-a');
  assert.ok(a.metadata.managedFields.some((m: any) => m.manager === 'fn' && m.operation === 'Apply'));
  let settled = a;
  while (!settled.status?.observedGeneration) { await new Promise((r) => setTimeout(r, 10)); settled = await kube.get<any>(KSERVICE, 'one'); } // Knative wrote its status
  const b = await kube.apply<any>(KSERVICE, svc('one', 'img@sha256:1'));
  assert.equal(b.metadata.resourceVersion, settled.metadata.resourceVersion, 'nothing written');
  assert.equal(b.metadata.generation, 1);
  const c = await kube.apply<any>(KSERVICE, svc('one', 'img@sha256:2'));
  assert.equal(c.metadata.generation, 2);
  assert.ok(Number(c.metadata.resourceVersion) > Number(a.metadata.resourceVersion));
  const reqs = await api.requests();
  const applyReq = reqs.find((r) => r.method === 'PATCH' && r.path.endsWith('/services/one'))!;
  assert.equal(applyReq.contentType, 'application/apply-patch+yaml');
  assert.equal(applyReq.query.fieldManager, 'fn');
  assert.equal(applyReq.query.force, undefined, 'force only when asked');
});

test('a field owned by another manager conflicts, names manager and field; force takes it', async () => {
  await kube.apply(KSERVICE, svc('two', 'img@sha256:1'), { fieldManager: 'kubectl' });
  const err = await rejects(kube.apply(KSERVICE, svc('two', 'img@sha256:9')), 'FN_ERR_KUBE_APPLY_CONFLICT', /kubectl.*containers\[name="user-container"\]\.image/);
  assert.deepEqual(err.data?.managers, ['kubectl']);
  const forced = await kube.apply<any>(KSERVICE, svc('two', 'img@sha256:9'), { force: true });
  assert.equal(forced.spec.template.spec.containers[0].image, 'img@sha256:9');
});

test('list with a label selector, across namespaces', async () => {
  await kube.apply(KSERVICE, { ...svc('three', 'x@sha256:1'), metadata: { name: 'three', namespace: 'team-b', labels: { tier: 'other' } } });
  const fns = await kube.list<any>(KSERVICE, { labelSelector: 'tier=fn' });
  assert.deepEqual(fns.items.map((i) => i.metadata.name).sort(), ['one', 'two']);
  const all = await kube.list<any>(KSERVICE, { namespace: null });
  assert.ok(all.items.some((i) => i.metadata.namespace === 'team-b'));
  assert.ok(!(await kube.list<any>(KSERVICE)).items.some((i) => i.metadata.namespace === 'team-b'));
});

test('watch from a resourceVersion sees the Knative status arrive', async () => {
  const applied = await kube.apply<any>(KSERVICE, svc('four', 'img@sha256:4'));
  const ac = new AbortController();
  let ready: any;
  for await (const ev of kube.watch<any>(KSERVICE, { fieldSelector: 'metadata.name=four', resourceVersion: applied.metadata.resourceVersion, signal: ac.signal })) {
    if (ev.object.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')) { ready = ev.object; ac.abort(); }
  }
  assert.equal(ready.status.url, 'http://four.team-a.example.com');
  assert.equal(ready.status.latestReadyRevisionName, 'four-00001');
});

test('a watch from a compacted resourceVersion ends with 410 Expired, as etcd compaction does', async () => {
  const old = (await kube.get<any>(KSERVICE, 'one')).metadata.resourceVersion;
  await kube.apply(KSERVICE, svc('one', 'img@sha256:3'));
  await api.control('/_test/compact', {});
  const events: string[] = [];
  await rejects((async () => { for await (const ev of kube.watch(KSERVICE, { resourceVersion: old })) events.push(ev.type); })(), 'FN_ERR_KUBE_WATCH', /410 too old resource version/);
  assert.deepEqual(events, []);
});

test('status merge patch with a stale resourceVersion is a 409 conflict', async () => {
  // the test server plays Knative and may still be writing this Service's status (Ready, URL)
  // from the earlier apply: re-read until our own first patch lands on the current version
  let cur: any;
  for (let attempt = 0; ; attempt++) {
    cur = await kube.get<any>(KSERVICE, 'one');
    try {
      await kube.patchStatus(KSERVICE, 'one', 'team-a', { note: 'a' }, { resourceVersion: cur.metadata.resourceVersion });
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== 'FN_ERR_KUBE_CONFLICT' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await rejects(kube.patchStatus(KSERVICE, 'one', 'team-a', { note: 'b' }, { resourceVersion: cur.metadata.resourceVersion }), 'FN_ERR_KUBE_CONFLICT', /modified/);
});

test('delete removes the object and its dependents; a second delete says it did not exist', async () => {
  const owner = await kube.get<any>(KSERVICE, 'two');
  await kube.apply(TRIGGER, { metadata: { name: 'two-t', ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'two', uid: owner.metadata.uid, controller: true }] }, spec: { broker: 'default' } });
  assert.equal(await kube.delete(KSERVICE, 'two'), true);
  assert.equal(await kube.tryGet(TRIGGER, 'two-t'), undefined);
  assert.equal(await kube.delete(KSERVICE, 'two'), false);
  await rejects(kube.get(KSERVICE, 'two'), 'FN_ERR_KUBE_NOT_FOUND', /services\.serving\.knative\.dev "two" in namespace "team-a" does not exist/);
});

test('401 names the server and the user', async () => {
  const kc = await api.writeKubeconfig(join(api.dir, 'bad-token'), { token: 'nope' });
  await rejects(connect({ kubeconfig: kc }, {}).list(KSERVICE), 'FN_ERR_KUBE_UNAUTHORIZED', new RegExp(`${api.url}.*"test-user"`));
});

test('403 names the user, verb, resource and namespace', async () => {
  const kc = await api.writeKubeconfig(join(api.dir, 'bob'), { token: 'tok-bob', namespace: 'prod' });
  const err = await rejects(connect({ kubeconfig: kc }, {}).apply(KSERVICE, svc('x', 'i@sha256:1')), 'FN_ERR_KUBE_FORBIDDEN', /user "test-user" may not patch services\.serving\.knative\.dev "x" in namespace "prod".*User "bob"/);
  assert.equal(err.data?.verb, 'patch');
});

test('an unreachable cluster names the server URL', async () => {
  const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as any).port; s.close(() => resolve(p)); }); });
  const kc = await api.writeKubeconfig(join(api.dir, 'dead'), { server: `http://127.0.0.1:${port}` });
  await rejects(connect({ kubeconfig: kc }, {}).list(KSERVICE), 'FN_ERR_KUBE_UNREACHABLE', new RegExp(`http://127\\.0\\.0\\.1:${port}`));
});

test('KUBECONFIG with several files merges them; --context picks one; an unknown context lists the known ones', async () => {
  const other = await api.writeKubeconfig(join(api.dir, 'other'), { contextName: 'staging', namespace: 'stage-ns' });
  const env = { KUBECONFIG: [join(api.dir, 'missing'), api.kubeconfig, other].join(':') };
  assert.equal(loadKubeTarget({}, env).context, 'test', 'the first file sets current-context');
  const t = loadKubeTarget({ context: 'staging' }, env);
  assert.equal(t.namespace, 'stage-ns');
  assert.throws(() => loadKubeTarget({ context: 'prod' }, env), (e: FnkitError) => e.code === 'FN_ERR_KUBE_CONTEXT' && /test, staging/.test(e.message));
});

test('no kubeconfig anywhere is a clear error', () => {
  assert.throws(() => loadKubeTarget({}, { HOME: api.dir }), (e: FnkitError) => e.code === 'FN_ERR_NO_KUBECONFIG' && /KUBECONFIG is not set/.test(e.message));
  assert.throws(() => loadKubeTarget({}, { KUBECONFIG: '/nope/a:/nope/b' }), (e: FnkitError) => e.code === 'FN_ERR_NO_KUBECONFIG' && /\/nope\/a/.test(e.message));
  assert.throws(() => loadKubeTarget({ kubeconfig: '/nope/c' }, {}), (e: FnkitError) => e.code === 'FN_ERR_NO_KUBECONFIG');
});
