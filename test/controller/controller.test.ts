// The controller loop against the test API server: Function → Service + Triggers with owner
// references, status copied back, changes, a 409 on the status write retried, deletion.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, type TestApiServer } from '../kube-api-server/harness.js';
import { connect, type KubeClient } from '../../src/kube/client.js';
import { FUNCTION, KSERVICE, TRIGGER } from '../../src/kube/resources.js';
import { runController } from '../../src/controller/loop.js';
import { describeFunction, listFunctions } from '../../src/kube/functions.js';
import { parseFunction } from '../../src/config/fn-yaml.js';
import { toFunctionResource } from '../../src/deploy/function-crd.js';

let api: TestApiServer;
let kube: KubeClient;
let stop: AbortController;
let loop: Promise<void>;
const logs: string[] = [];

const IMG = (c: string) => `reg.example.com/hello@sha256:${c.repeat(64)}`;
const fnObj = (yaml: string, image: string) => toFunctionResource(parseFunction(yaml, '/x/fn.yaml'), image, { namespace: 'apps' }) as any;
const YAML = 'name: hello\ndeploy:\n  scale: { min: 1 }\n  subscriptions:\n    - broker: default\n      filters: { type: order.created }\n';

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}\ncontroller log:\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  api = await startTestApiServer({ namespace: 'apps', knativeDelayMs: 20 });
  kube = connect({ kubeconfig: api.kubeconfig }, {});
  stop = new AbortController();
  loop = runController({ kube, namespace: 'apps', resyncMs: 60_000, signal: stop.signal, log: (l) => logs.push(l), backoffBaseMs: 50 });
});
after(async () => {
  stop.abort();
  await loop;
  await api.stop();
});

test('a Function becomes a Service and Trigger it owns; status copied back; a status conflict is re-read and retried', async () => {
  await api.control('/_test/fail', { method: 'PATCH', pathIncludes: '/functions/hello/status', code: 409, reason: 'Conflict', message: 'Operation cannot be fulfilled on functions.fnkit.dev "hello": the object has been modified; please apply your changes to the latest version and try again', count: 1 });
  await kube.apply(FUNCTION, fnObj(YAML, IMG('a')), { fieldManager: 'gitops' });
  const fn = await until('Function Ready', async () => {
    const f = await kube.get<any>(FUNCTION, 'hello');
    return f.status?.conditions?.[0]?.status === 'True' && f;
  });
  assert.equal(fn.status.url, 'http://hello.apps.example.com');
  assert.equal(fn.status.latestReadyRevisionName, 'hello-00001');
  assert.equal(fn.status.observedGeneration, 1);
  const svc = await kube.get<any>(KSERVICE, 'hello');
  assert.deepEqual(svc.metadata.ownerReferences, [{ apiVersion: 'fnkit.dev/v1alpha1', kind: 'Function', name: 'hello', uid: fn.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  assert.equal(svc.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'], '1');
  assert.ok(svc.metadata.managedFields.some((m: any) => m.manager === 'fnkit-controller'));
  const trig = (await kube.list<any>(TRIGGER)).items;
  assert.equal(trig.length, 1);
  assert.equal(trig[0].metadata.ownerReferences[0].uid, fn.metadata.uid);
  const statusWrites = (await api.requests()).filter((r) => r.method === 'PATCH' && r.path.endsWith('/functions/hello/status'));
  assert.equal(statusWrites[0]!.status, 409, 'the injected conflict happened');
  assert.ok(statusWrites.slice(1).some((r) => r.status === 200), 'and was retried');
  assert.ok(logs.some((l) => /retry 1 in 0ms/.test(l)), logs.join('\n'));
});

test('a change to the Function updates the Service; a dropped subscription removes its Trigger', async () => {
  const before = await kube.get<any>(KSERVICE, 'hello');
  await kube.apply(FUNCTION, fnObj('name: hello\n', IMG('b')), { fieldManager: 'gitops' });
  await until('Function at generation 2 Ready', async () => {
    const f = await kube.get<any>(FUNCTION, 'hello');
    return f.status?.observedGeneration === 2 && f.status.conditions[0].status === 'True' && f.status.latestReadyRevisionName === 'hello-00002';
  });
  const svc = await kube.get<any>(KSERVICE, 'hello');
  assert.equal(svc.spec.template.spec.containers[0].image, IMG('b'));
  assert.equal(svc.metadata.generation, before.metadata.generation + 1);
  assert.equal(svc.spec.template.metadata.annotations, undefined, 'the scale annotation left with the field');
  await until('Trigger removed', async () => (await kube.list(TRIGGER)).items.length === 0);
});

test('the controller puts back a Service someone changed (drift)', async () => {
  await kube.apply(KSERVICE, { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello' }, spec: { template: { spec: { containers: [{ name: 'user-container', image: IMG('c') }] } } } }, { fieldManager: 'kubectl', force: true });
  await until('image restored', async () => (await kube.get<any>(KSERVICE, 'hello')).spec.template.spec.containers[0].image === IMG('b'));
});

test('a failing revision shows up in the Function status', async () => {
  await kube.apply(FUNCTION, fnObj('name: hello\n', `reg.example.com/fail@sha256:${'e'.repeat(64)}`), { fieldManager: 'gitops' });
  const f = await until('Ready False', async () => {
    const x = await kube.get<any>(FUNCTION, 'hello');
    return x.status?.conditions?.[0]?.status === 'False' && x;
  });
  assert.equal(f.status.conditions[0].reason, 'RevisionFailed');
  assert.match(f.status.conditions[0].message, /Unable to fetch image/);
});

test('an invalid Function gets a False condition naming the problem, and nothing is applied', async () => {
  const bad = fnObj('name: broken\n', IMG('a'));
  bad.spec.deploy = { scale: { min: 3, max: 1 } };
  await kube.apply(FUNCTION, bad, { fieldManager: 'gitops' });
  const f = await until('InvalidSpec', async () => {
    const x = await kube.get<any>(FUNCTION, 'broken');
    return x.status?.conditions?.[0]?.reason === 'InvalidSpec' && x;
  });
  assert.match(f.status.conditions[0].message, /deploy\.scale/);
  assert.equal(await kube.tryGet(KSERVICE, 'broken'), undefined);
  // fn list and fn describe still show it, with the reason
  const listed = (await listFunctions(kube, { namespace: 'apps' })).find((x) => x.name === 'broken');
  assert.deepEqual([listed?.ready, listed?.reason, listed?.managedBy], [false, 'InvalidSpec', 'controller']);
  const d = await describeFunction(kube, 'broken', 'apps');
  assert.match(d.conditions[0]!.message!, /deploy\.scale/);
  assert.equal((await listFunctions(kube, { namespace: 'apps' })).filter((x) => x.name === 'hello').length, 1, 'a Function with its Service is listed once');
});

test('API errors are retried with exponential backoff per key until they pass', async () => {
  await api.control('/_test/fail', { method: 'PATCH', pathIncludes: '/services/backoff', code: 500, reason: 'InternalError', message: 'etcdserver: request timed out', count: 3 });
  await kube.apply(FUNCTION, fnObj('name: backoff\n', IMG('a')), { fieldManager: 'gitops' });
  await until('backoff Ready', async () => (await kube.tryGet<any>(FUNCTION, 'backoff'))?.status?.conditions?.[0]?.status === 'True');
  const retries = logs.filter((l) => l.startsWith('apps/backoff:') && /etcdserver: request timed out; retry \d+ in \d+ms/.test(l)).map((l) => Number(/in (\d+)ms/.exec(l)![1]));
  assert.deepEqual(retries, [50, 100, 200], logs.join('\n'));
  const applies = (await api.requests()).filter((r) => r.method === 'PATCH' && r.path.endsWith('/services/backoff'));
  assert.deepEqual(applies.map((r) => r.status), [500, 500, 500, 201], 'the fourth try creates it');
});

test('deleting the Function: its Service and Triggers go with it', async () => {
  await kube.apply(FUNCTION, fnObj(YAML, IMG('a')), { fieldManager: 'gitops' });
  await until('Trigger back', async () => (await kube.list(TRIGGER)).items.length === 1);
  assert.equal(await kube.delete(FUNCTION, 'hello'), true);
  await until('Service gone', async () => (await kube.tryGet(KSERVICE, 'hello')) === undefined);
  assert.equal((await kube.list(TRIGGER)).items.length, 0);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await kube.tryGet(KSERVICE, 'hello'), undefined, 'the controller does not recreate it');
});

test('periodic resync re-lists Functions besides the watch', async () => {
  const ac = new AbortController();
  const quiet: string[] = [];
  const before = (await api.requests()).length;
  const second = runController({ kube, namespace: 'resync-ns', resyncMs: 150, signal: ac.signal, log: (l) => quiet.push(l) });
  await new Promise((r) => setTimeout(r, 800));
  ac.abort();
  await second;
  const lists = (await api.requests()).slice(before).filter((r) => r.method === 'GET' && r.path === '/apis/fnkit.dev/v1alpha1/namespaces/resync-ns/functions' && r.query.watch !== 'true');
  // one initial list by the watch loop, then one per resync period (~5 in 800 ms)
  assert.ok(lists.length >= 4, `only ${lists.length} lists`);
});
