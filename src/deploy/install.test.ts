import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTROLLER_NAME, installManifests } from './install.js';

const IMAGE = `reg.example.com/fnkit/controller@sha256:${'1'.repeat(64)}`;
type Obj = Record<string, any>;

test('installManifests: apply order CRD, ServiceAccount, ClusterRole, binding, Deployment', () => {
  assert.deepEqual(installManifests({ namespace: 'default', image: IMAGE }).map((o: Obj) => o.kind),
    ['CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment']);
  // Another namespace is created first, so a fresh cluster applies in one pass.
  const objs = installManifests({ namespace: 'fnkit-system', image: IMAGE }) as Obj[];
  assert.deepEqual(objs.map((o) => o.kind), ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Deployment']);
  for (const o of objs) {
    const namespaced = ['ServiceAccount', 'Deployment'].includes(o.kind);
    assert.equal(o.metadata.namespace, namespaced ? 'fnkit-system' : undefined, o.kind);
  }
  // Deterministic: the same input gives the same objects (re-applying changes nothing).
  assert.equal(JSON.stringify(installManifests({ namespace: 'x', image: IMAGE })), JSON.stringify(installManifests({ namespace: 'x', image: IMAGE })));
});

test('the ClusterRole is least privilege: exactly the verbs the controller uses', () => {
  const role = (installManifests({ namespace: 'fnkit-system', image: IMAGE }) as Obj[]).find((o) => o.kind === 'ClusterRole')!;
  const grants = new Set<string>();
  for (const r of role.rules) {
    for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) grants.add(`${g}/${res}:${v}`);
    assert.ok(!r.verbs.includes('*') && !r.resources.includes('*') && !r.apiGroups.includes('*'), 'no wildcards');
    assert.equal(r.resourceNames, undefined);
  }
  const rw = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  const want = new Set([
    ...['get', 'list', 'watch'].map((v) => `fnkit.dev/functions:${v}`),
    ...['get', 'update', 'patch'].map((v) => `fnkit.dev/functions/status:${v}`),
    ...rw.map((v) => `serving.knative.dev/services:${v}`),
    ...rw.map((v) => `eventing.knative.dev/triggers:${v}`),
    '/events:create',
  ]);
  assert.deepEqual([...grants].sort(), [...want].sort());
  assert.ok(![...grants].some((g) => g.includes('secrets') || g.includes('pods')));
});

test('the binding ties the ClusterRole to the controller ServiceAccount in its namespace', () => {
  const objs = installManifests({ namespace: 'ops', image: IMAGE }) as Obj[];
  const binding = objs.find((o) => o.kind === 'ClusterRoleBinding')!;
  const sa = objs.find((o) => o.kind === 'ServiceAccount')!;
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_NAME });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'ops' }]);
});

test('the controller Deployment runs `fn controller`, non-root, with the restricted profile', () => {
  const dep = (installManifests({ namespace: 'ops', image: IMAGE }) as Obj[]).find((o) => o.kind === 'Deployment')!;
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(dep.spec.replicas, 1);
  assert.deepEqual(dep.spec.selector.matchLabels, { 'app.kubernetes.io/name': CONTROLLER_NAME });
  for (const [k, v] of Object.entries(dep.spec.selector.matchLabels)) assert.equal(dep.spec.template.metadata.labels[k], v, 'selector matches the pod');
  assert.equal(pod.serviceAccountName, CONTROLLER_NAME);
  assert.equal(c.image, IMAGE);
  assert.deepEqual(c.command, ['fn', 'controller', '--namespace', 'all']);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
  assert.deepEqual(c.securityContext, {
    runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  });
});
