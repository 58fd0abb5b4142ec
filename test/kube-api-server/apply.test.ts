import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apply, displayPath, flatten, recordUpdate, unflatten, type Owners } from './apply.js';

const svc = (image: string, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { 'app.kubernetes.io/name': 'hello' }, annotations: { 'autoscaling.knative.dev/min-scale': '1' } },
  spec: { template: { spec: { containers: [{ name: 'user-container', image, env: [{ name: 'A', value: '1' }] }] } }, ...extra },
});

test('flatten and unflatten round-trip, keyed lists and dotted keys included', () => {
  const o = svc('img@sha256:1', { traffic: [{ latestRevision: true, percent: 100 }] });
  assert.deepEqual(unflatten(flatten(o)), o);
  const keys = [...flatten(o).keys()].map(displayPath);
  assert.ok(keys.includes('.spec.template.spec.containers[name="user-container"].image'));
  assert.ok(keys.includes('.metadata.annotations.autoscaling.knative.dev/min-scale'));
  assert.ok(keys.includes('.spec.traffic'), 'lists without names are atomic');
});

const cases: Array<{ name: string; run: () => void }> = [
  {
    name: 'first apply owns every field it sent',
    run: () => {
      const r = apply({}, svc('a'), new Map(), 'fn', false);
      assert.equal(r.conflicts.length, 0);
      assert.deepEqual(r.object, svc('a'));
      assert.equal(r.owners.get('fn')!.size, flatten(svc('a')).size);
    },
  },
  {
    name: 'a field dropped from the intent is removed',
    run: () => {
      const first = apply({}, svc('a'), new Map(), 'fn', false);
      const intent = svc('a');
      delete (intent.metadata as any).annotations;
      const r = apply(first.object, intent, first.owners, 'fn', false);
      assert.equal((r.object.metadata as any).annotations, undefined);
    },
  },
  {
    name: 'another manager changing a field I own conflicts, naming it and the manager',
    run: () => {
      const first = apply({}, svc('a'), new Map(), 'fn', false);
      const r = apply(first.object, svc('b'), first.owners, 'kubectl', false);
      assert.deepEqual(r.conflicts.map((c) => [c.manager, displayPath(c.path)]), [['fn', '.spec.template.spec.containers[name="user-container"].image']]);
      assert.deepEqual(r.object, first.object, 'nothing changes on conflict');
    },
  },
  {
    name: 'the same value is shared ownership, not a conflict',
    run: () => {
      const first = apply({}, svc('a'), new Map(), 'fn', false);
      const r = apply(first.object, svc('a'), first.owners, 'other', false);
      assert.equal(r.conflicts.length, 0);
      assert.ok(r.owners.has('fn') && r.owners.has('other'));
    },
  },
  {
    name: 'force takes the field over',
    run: () => {
      const first = apply({}, svc('a'), new Map(), 'kubectl', false);
      const r = apply(first.object, svc('b'), first.owners, 'fn', true);
      assert.equal((r.object as any).spec.template.spec.containers[0].image, 'b');
      const img = JSON.stringify(['spec', 'template', 'spec', 'containers', { name: 'user-container' }, 'image']);
      assert.ok(r.owners.get('fn')!.has(img));
      assert.ok(!r.owners.get('kubectl')!.has(img));
    },
  },
  {
    name: 'fields of other managers are kept when I re-apply',
    run: () => {
      const first = apply({}, svc('a'), new Map(), 'fn', false);
      const owners: Owners = recordUpdate(first.object, { ...first.object, metadata: { ...(first.object as any).metadata, labels: { ...(first.object as any).metadata.labels, team: 'x' } } }, first.owners, 'kubectl-label');
      const withLabel = { ...first.object, metadata: { ...(first.object as any).metadata, labels: { ...(first.object as any).metadata.labels, team: 'x' } } };
      const r = apply(withLabel, svc('c'), owners, 'fn', false);
      assert.equal((r.object as any).metadata.labels.team, 'x');
      assert.equal((r.object as any).spec.template.spec.containers[0].image, 'c');
    },
  },
];
for (const c of cases) test(c.name, c.run);
