// The test API server is enough for client-node's own generic client, which resolves kinds to
// resources through discovery (/api, /apis/<group>/<version>) before every call.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig, KubernetesObjectApi, PatchStrategy, CoreV1Api } from '@kubernetes/client-node';
import { startTestApiServer, type TestApiServer } from './harness.js';

let api: TestApiServer;
let objects: KubernetesObjectApi;
let kc: KubeConfig;
before(async () => {
  api = await startTestApiServer({ namespace: 'cn', knativeDelayMs: 10 });
  kc = new KubeConfig();
  kc.loadFromFile(api.kubeconfig);
  objects = KubernetesObjectApi.makeApiClient(kc);
});
after(() => api.stop());

test('client-node KubernetesObjectApi: server-side apply, read, delete of a Knative Service', async () => {
  const svc = {
    apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'cn-hello', namespace: 'cn' },
    spec: { template: { spec: { containers: [{ name: 'user-container', image: 'x@sha256:' + 'a'.repeat(64) }] } } },
  };
  const applied: any = await objects.patch(svc, undefined, undefined, 'client-node-test', true, PatchStrategy.ServerSideApply);
  assert.equal(applied.metadata.generation, 1);
  const read: any = await objects.read({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'cn-hello', namespace: 'cn' } });
  assert.equal(read.metadata.uid, applied.metadata.uid);
  assert.ok(read.metadata.managedFields.some((m: any) => m.manager === 'client-node-test'));
  await objects.delete(read);
  await assert.rejects(objects.read({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'cn-hello', namespace: 'cn' } }), (e: any) => e.code === 404);
});

test('client-node typed CoreV1Api lists the pod Knative started, by label', async () => {
  await objects.patch({
    apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'cn-two', namespace: 'cn' },
    spec: { template: { spec: { containers: [{ name: 'user-container', image: 'x@sha256:' + 'b'.repeat(64) }] } } },
  }, undefined, undefined, 'client-node-test', true, PatchStrategy.ServerSideApply);
  const core = kc.makeApiClient(CoreV1Api);
  let names: string[] = [];
  for (let i = 0; i < 100 && names.length === 0; i++) {
    const pods = await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'serving.knative.dev/service=cn-two' });
    names = pods.items.map((p) => p.metadata!.name!);
    if (names.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(names.length, 1);
  assert.match(names[0]!, /^cn-two-00001-deployment-[0-9a-f]+$/);
  const log = await core.readNamespacedPodLog({ name: names[0]!, namespace: 'cn', container: 'user-container' });
  assert.match(log, /listening on :8080 \(revision cn-two-00001\)/);
});

test('create (POST) makes an object with generation 1 and an Update managedFields entry; a second create is 409 AlreadyExists', async () => {
  const t = { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 'cn-t', namespace: 'cn' }, spec: { broker: 'default' } };
  const made: any = await objects.create(t, undefined, undefined, 'creator');
  assert.equal(made.metadata.generation, 1);
  assert.deepEqual(made.metadata.managedFields.map((m: any) => [m.manager, m.operation]), [['creator', 'Update']]);
  await assert.rejects(objects.create(t), (e: any) => e.code === 409 && /already exists/.test(String(e.body)));
});
