import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../config/fn-yaml.js';
import { toFunctionResource } from '../deploy/function-crd.js';
import type { FunctionResource } from '../deploy/types.js';
import { isSubset, reconcile, type Action, type Observed } from './reconcile.js';

const IMG = (c: string) => `reg.example.com/hello@sha256:${c.repeat(64)}`;
const NOW = '2026-01-01T00:00:00Z';

function fnRes(yaml: string, image = IMG('a'), extra: Partial<FunctionResource['metadata']> = {}): FunctionResource {
  const spec = parseFunction(yaml, '/x/fn.yaml');
  const fr = toFunctionResource(spec, image, { namespace: 'ns' });
  fr.metadata = { ...fr.metadata, uid: 'fn-uid', generation: 3, resourceVersion: '10', ...extra };
  return fr;
}
const BASE = 'name: hello\ndeploy:\n  subscriptions:\n    - broker: default\n      filters: { type: a.b }\n';

/** What the cluster holds after applying `a` (plus the defaults a server adds). */
function live(a: Action, status?: unknown): any {
  assert.equal(a.kind, 'apply');
  const o = structuredClone((a as any).object);
  o.metadata.uid = `${o.kind}-uid`;
  o.metadata.generation = 1;
  o.metadata.resourceVersion = '5';
  if (o.kind === 'Service') o.spec.template.spec.containers[0].readinessProbe.successThreshold = 1; // a webhook default
  if (status) o.status = status;
  return o;
}
const readyStatus = { observedGeneration: 1, url: 'http://hello.ns.example.com', latestReadyRevisionName: 'hello-00001', conditions: [{ type: 'Ready', status: 'True' }] };

test('a new Function: apply Service and Trigger owned by it, status Deploying', () => {
  const acts = reconcile({ fn: fnRes(BASE), triggers: [] }, NOW);
  assert.deepEqual(acts.map((a) => a.kind === 'apply' ? `apply ${a.resource}` : a.kind), ['apply service', 'apply trigger', 'status']);
  const svc = (acts[0] as any).object;
  assert.deepEqual(svc.metadata.ownerReferences, [{ apiVersion: 'fnkit.dev/v1alpha1', kind: 'Function', name: 'hello', uid: 'fn-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(svc.metadata.labels['app.kubernetes.io/managed-by'], 'fnkit-controller');
  assert.equal(svc.spec.template.spec.containers[0].image, IMG('a'));
  assert.equal((acts[1] as any).object.metadata.ownerReferences[0].uid, 'fn-uid');
  const st = (acts[2] as any).status;
  assert.equal(st.observedGeneration, 3);
  assert.deepEqual(st.conditions, [{ type: 'Ready', status: 'Unknown', reason: 'Deploying', message: 'waiting for Knative to reconcile the Service', lastTransitionTime: NOW }]);
});

const first = reconcile({ fn: fnRes(BASE), triggers: [] }, NOW);
const svcLive = live(first[0]!, readyStatus);
const trigLive = live(first[1]!);

const cases: Array<{ name: string; observed: Observed; want: string[]; check?: (a: Action[]) => void }> = [
  {
    name: 'in sync and Ready: only the status, copied from the Service',
    observed: { fn: fnRes(BASE), service: svcLive, triggers: [trigLive] },
    want: ['status'],
    check: (a) => {
      const st = (a[0] as any).status;
      assert.equal(st.url, 'http://hello.ns.example.com');
      assert.equal(st.latestReadyRevisionName, 'hello-00001');
      assert.equal(st.conditions[0].status, 'True');
      assert.equal(st.image, IMG('a'));
    },
  },
  {
    name: 'status already current: nothing to do (transition time kept)',
    observed: { fn: { ...fnRes(BASE), status: { observedGeneration: 3, image: IMG('a'), url: 'http://hello.ns.example.com', latestReadyRevisionName: 'hello-00001', conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', lastTransitionTime: '2025-01-01T00:00:00Z' }] } }, service: svcLive, triggers: [trigLive] },
    want: [],
  },
  {
    name: 'a new image: apply the Service again, status back to Deploying',
    observed: { fn: fnRes(BASE, IMG('b')), service: svcLive, triggers: [trigLive] },
    want: ['apply service', 'status'],
    check: (a) => assert.equal((a[1] as any).status.conditions[0].reason, 'Deploying'),
  },
  {
    name: 'someone edited the Service: drift is applied back',
    observed: { fn: fnRes(BASE), service: { ...svcLive, spec: { ...svcLive.spec, traffic: [{ latestRevision: true, percent: 50 }, { revisionName: 'x', percent: 50 }] } }, triggers: [trigLive] },
    want: ['apply service', 'status'],
  },
  {
    name: 'a subscription dropped: its Trigger is deleted, a Trigger fn subscribe made is kept',
    observed: {
      fn: fnRes('name: hello\n'), service: svcLive,
      triggers: [trigLive, { metadata: { name: 'hello-cli', ownerReferences: [{ kind: 'Service', uid: 'Service-uid', controller: false }] }, spec: { broker: 'x' } }],
    },
    want: ['delete hello-default', 'status'],
  },
  {
    name: 'the Service belongs to someone else (fn deploy): not touched, status says why',
    observed: { fn: fnRes(BASE), service: { ...svcLive, metadata: { ...svcLive.metadata, ownerReferences: [] } }, triggers: [] },
    want: ['status'],
    check: (a) => assert.match(JSON.stringify((a[0] as any).status.conditions[0]), /"status":"False","reason":"ServiceNotOwned"/),
  },
  {
    name: 'an invalid Function (tag, not digest): status False InvalidSpec, nothing applied',
    observed: { fn: { ...fnRes(BASE), spec: { ...fnRes(BASE).spec, image: 'reg.example.com/hello:latest' } }, triggers: [] },
    want: ['status'],
    check: (a) => {
      const c = (a[0] as any).status.conditions[0];
      assert.equal(c.reason, 'InvalidSpec');
      assert.match(c.message, /not pinned by digest/);
    },
  },
  {
    name: 'an invalid deploy section names the field',
    observed: { fn: { ...fnRes(BASE), spec: { ...fnRes(BASE).spec, deploy: { scale: { min: 9, max: 1 } } } }, triggers: [] },
    want: ['status'],
    check: (a) => assert.match((a[0] as any).status.conditions[0].message, /deploy\.scale/),
  },
  {
    name: 'being deleted: nothing (the garbage collector takes what it owns)',
    observed: { fn: fnRes(BASE, IMG('a'), { deletionTimestamp: NOW } as any), service: svcLive, triggers: [trigLive] },
    want: [],
  },
  {
    name: 'Knative has not caught up with the Service generation: Deploying',
    observed: { fn: fnRes(BASE), service: { ...svcLive, metadata: { ...svcLive.metadata, generation: 2 } }, triggers: [trigLive] },
    want: ['status'],
    check: (a) => assert.equal((a[0] as any).status.conditions[0].reason, 'Deploying'),
  },
  {
    name: 'Knative failed the revision: reason and message copied',
    observed: { fn: fnRes(BASE), service: { ...svcLive, status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason: 'RevisionFailed', message: 'image pull' }] } }, triggers: [trigLive] },
    want: ['status'],
    check: (a) => assert.deepEqual((a[0] as any).status.conditions[0], { type: 'Ready', status: 'False', reason: 'RevisionFailed', message: 'image pull', lastTransitionTime: NOW }),
  },
];

for (const c of cases) {
  test(c.name, () => {
    const acts = reconcile(c.observed, NOW);
    assert.deepEqual(acts.map((a) => a.kind === 'apply' ? `apply ${a.resource}` : a.kind === 'delete' ? `delete ${a.name.replace(/-[0-9a-f]{8}$/, '')}` : a.kind), c.want);
    c.check?.(acts);
  });
}

test('isSubset: server defaults do not count as drift, changed or missing values do', () => {
  assert.ok(isSubset({ a: 1, b: [{ c: 2 }] }, { a: 1, z: 0, b: [{ c: 2, d: 3 }] }));
  assert.ok(!isSubset({ a: 1 }, { a: 2 }));
  assert.ok(!isSubset({ b: [1, 2] }, { b: [1] }));
  assert.ok(!isSubset({ a: { b: 1 } }, {}));
});
