import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilters, subscriptionTrigger } from './subscriptions.js';
import { FnkitError } from '../errors.js';

const svc = { metadata: { name: 'hello', namespace: 'ns', uid: 'svc-uid', labels: { 'fnkit.dev/runtime': 'lambda' } } };

test('filters parse to an exact-match map', () => {
  assert.deepEqual(parseFilters(['type=com.example.paid', 'source=/shop?a=b']), { type: 'com.example.paid', source: '/shop?a=b' });
});

const badFilters: Array<[string[], RegExp]> = [
  [['Type=x'], /attribute "Type" must be a CloudEvents attribute name/],
  [['type'], /must be attribute=value/],
  [['type='], /must be attribute=value/],
  [['1type=x'], /must be a CloudEvents attribute name/],
  [['ty-pe=x'], /must be a CloudEvents attribute name/],
  [['type=a', 'type=b'], /given twice \(a and b\)/],
];
for (const [flags, re] of badFilters) {
  test(`bad filter ${JSON.stringify(flags)}`, () => {
    assert.throws(() => parseFilters(flags), (e: FnkitError) => e.code === 'FN_ERR_BAD_FILTER' && e.data?.exitCode === 2 && re.test(e.message));
  });
}

test('the Trigger: owned by the Service, marked as made by the CLI, validated', () => {
  const t = subscriptionTrigger(svc, { broker: 'orders', filters: { type: 'a' }, path: '/events' });
  assert.equal(t.metadata.namespace, 'ns');
  assert.deepEqual(t.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', uid: 'svc-uid', controller: false, blockOwnerDeletion: true }]);
  assert.equal(t.metadata.labels?.['fnkit.dev/subscribed-by'], 'cli');
  assert.equal(t.metadata.labels?.['fnkit.dev/runtime'], 'lambda');
  assert.deepEqual(t.spec.subscriber, { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', namespace: 'ns' }, uri: '/events' });
});

const badSubs: Array<[Parameters<typeof subscriptionTrigger>[1], string, RegExp]> = [
  [{ broker: 'Bad_Broker', filters: { type: 'a' } }, 'FN_ERR_BAD_BROKER', /not a valid Broker name/],
  [{ broker: 'orders', filters: {} }, 'FN_ERR_BAD_FILTER', /needs at least one filter/],
  [{ broker: 'orders', filters: { type: 'a' }, path: 'events' }, 'FN_ERR_BAD_PATH', /must start with "\/"/],
];
for (const [sub, code, re] of badSubs) {
  test(`bad subscription ${JSON.stringify(sub)}`, () => {
    assert.throws(() => subscriptionTrigger(svc, sub), (e: FnkitError) => e.code === code && re.test(e.message));
  });
}
