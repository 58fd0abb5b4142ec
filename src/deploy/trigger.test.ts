import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../config/fn-yaml.js';
import { FnkitError } from '../errors.js';
import { serviceOwnerRef, toTrigger, toTriggers, triggerName } from './trigger.js';
import { triggerProblems, validateTrigger } from './validate.js';
import { triggerRuleProblems } from './validate-trigger.js';
import { isDns1123Label } from './validate-rules.js';

const spec = parseFunction('name: orders\ndeploy:\n  subscriptions: [{broker: default, filters: {type: order.created, source: /shop}, path: /events}]\n', '/f/fn.yaml');

test('toTrigger: broker, exact-match filter, subscriber ref to the Knative Service, relative uri', () => {
  const t = toTrigger(spec, { broker: 'default', filters: { type: 'order.created', source: '/shop' }, path: '/events' }, { namespace: 'shop' });
  assert.deepEqual(t, {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: {
      name: triggerName('orders', { broker: 'default', filters: { source: '/shop', type: 'order.created' } }),
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/component': 'function', 'app.kubernetes.io/managed-by': 'fnkit',
        'fnkit.dev/function': 'orders', 'fnkit.dev/runtime': 'node',
      },
    },
    spec: {
      broker: 'default',
      filter: { attributes: { source: '/shop', type: 'order.created' } },
      subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'orders', namespace: 'shop' }, uri: '/events' },
    },
  });
  assert.deepEqual(triggerProblems(t), []);
});

test('an owner reference to the Service when given', () => {
  const t = toTrigger(spec, { broker: 'default', filters: { type: 'a' } }, { owner: serviceOwnerRef('orders', '1234-uid') });
  assert.deepEqual(t.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'orders', uid: '1234-uid', controller: false, blockOwnerDeletion: true }]);
  assert.equal(t.spec.subscriber.uri, undefined);
  assert.deepEqual(triggerProblems(t), []);
  assert.equal(toTriggers(spec).length, 1);
});

test('triggerName: stable, DNS-1123, unique per (broker, filters), path-independent', () => {
  const base = { broker: 'default', filters: { type: 'a', source: 'b' } };
  const n = triggerName('orders', base);
  assert.match(n, /^orders-default-[0-9a-f]{8}$/);
  assert.equal(triggerName('orders', { broker: 'default', filters: { source: 'b', type: 'a' } }), n, 'filter order does not matter');
  assert.equal(triggerName('orders', { ...base, path: '/x' }), n, 'the path does not rename');
  const others = [
    triggerName('orders', { broker: 'other', filters: base.filters }),
    triggerName('orders', { broker: 'default', filters: { type: 'a' } }),
    triggerName('orders', { broker: 'default', filters: { type: 'a', source: 'c' } }),
    triggerName('billing', base),
    // Values that would collide if keys and values were just concatenated.
    triggerName('orders', { broker: 'default', filters: { type: 'a-source', source: '' } }),
  ];
  assert.equal(new Set([n, ...others]).size, others.length + 1);
  const long = triggerName('f'.repeat(63), { broker: 'b'.repeat(200), filters: { type: 'x' } });
  assert.ok(long.length <= 63 && isDns1123Label(long), long);
  const dotted = triggerName('fn', { broker: 'my.broker', filters: { type: 'x' } });
  assert.ok(isDns1123Label(dotted), dotted);
  // Truncation right before a "-" must not leave "--".
  const edge = triggerName('a'.repeat(53), { broker: 'b', filters: { type: 'x' } });
  assert.ok(isDns1123Label(edge) && !edge.includes('--'), edge);
});

const valid = () => JSON.parse(JSON.stringify(toTrigger(spec, { broker: 'default', filters: { type: 'a' }, path: '/e' }, { namespace: 'ns' })));
type T = Record<string, any>;
const RULES: Array<[rule: string, mutate: (t: T) => void, path: string, message: RegExp]> = [
  ['exactly one of broker / brokerRef (none)', (t) => delete t.spec.broker, 'spec.broker', /exactly one/],
  ['exactly one of broker / brokerRef (both)', (t) => (t.spec.brokerRef = { name: 'b' }), 'spec.broker', /exactly one/],
  ['brokerRef.namespace needs a feature flag', (t) => { delete t.spec.broker; t.spec.brokerRef = { name: 'b', namespace: 'o' }; }, 'spec.brokerRef.namespace', /cross-namespace/],
  ['subscriber needs ref or uri', (t) => (t.spec.subscriber = {}), 'spec.subscriber', /ref or a uri/],
  ['uri relative when a ref is given', (t) => (t.spec.subscriber.uri = 'http://elsewhere/x'), 'spec.subscriber.uri', /relative/],
  ['uri absolute without a ref', (t) => delete t.spec.subscriber.ref, 'spec.subscriber.uri', /absolute URL/],
  ['ref needs a name', (t) => delete t.spec.subscriber.ref.name, 'spec.subscriber.ref.name', /required/],
  ['ref in the Trigger namespace', (t) => (t.spec.subscriber.ref.namespace = 'other'), 'spec.subscriber.ref.namespace', /Trigger's namespace/],
  ['filter attribute keys ^[a-z][a-z0-9]*$', (t) => (t.spec.filter.attributes['my-attr'] = 'x'), 'spec.filter.attributes.my-attr', /\^\[a-z\]/],
  ['filter attribute values strings', (t) => (t.spec.filter.attributes.type = 5), 'spec.filter.attributes.type', /strings/],
  ['filters[] one dialect each', (t) => (t.spec.filters = [{ exact: { type: 'a' }, prefix: { type: 'b' } }]), 'spec.filters[0]', /exactly one dialect/],
  ['delivery.retry >= 0', (t) => (t.spec.delivery = { retry: -1 }), 'spec.delivery.retry', />= 0/],
  ['delivery.backoffPolicy', (t) => (t.spec.delivery = { backoffPolicy: 'random' }), 'spec.delivery.backoffPolicy', /linear or exponential/],
  ['delivery.backoffDelay ISO-8601', (t) => (t.spec.delivery = { backoffDelay: '200ms' }), 'spec.delivery.backoffDelay', /ISO-8601/],
  ['delivery.format', (t) => (t.spec.delivery = { format: 'xml' }), 'spec.delivery.format', /json or binary/],
  ['injection annotation only with broker default', (t) => { t.spec.broker = 'other'; t.metadata.annotations = { 'eventing.knative.dev/injection': 'enabled' }; }, 'metadata.annotations.eventing.knative.dev/injection', /broker "default"/],
  ['name required', (t) => delete t.metadata.name, 'metadata.name', /DNS subdomain/],
  ['owner references complete', (t) => (t.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Service', name: 'x' }]), 'metadata.ownerReferences[0].uid', /required/],
  ['kind', (t) => (t.kind = 'Subscription'), 'kind', /must be Trigger/],
];

test(`Trigger webhook rules (${RULES.length}): each broken field is named`, () => {
  assert.deepEqual(triggerRuleProblems(valid()), []);
  for (const [rule, mutate, path, message] of RULES) {
    const t = valid();
    mutate(t);
    const hit = triggerRuleProblems(t).find((p) => p.path === path);
    assert.ok(hit, `${rule}: expected ${path} in ${JSON.stringify(triggerRuleProblems(t))}`);
    assert.match(hit.message, message, rule);
  }
  const ok = valid();
  ok.spec.delivery = { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S', timeout: 'PT30S', format: 'binary' };
  assert.deepEqual(triggerRuleProblems(ok), []);
});

test('validateTrigger throws FN_ERR_INVALID_TRIGGER naming the field', () => {
  const t = valid();
  t.spec.filter.attributes.Type = 'x';
  assert.throws(() => validateTrigger(t), (e: FnkitError) => e.code === 'FN_ERR_INVALID_TRIGGER' && /spec\.filter\.attributes\.Type/.test(e.message));
});

test('Trigger junk of any shape gets problems, never a crash', () => {
  const junk: unknown[] = [
    null, 7, [], {}, { spec: null, metadata: null },
    { apiVersion: 'eventing.knative.dev/v1', kind: 'Trigger', metadata: { name: 'x', labels: null, ownerReferences: [null] }, spec: { broker: 'b', subscriber: { ref: 'x', uri: 5 }, filter: { attributes: [1] }, filters: [null, 'x'], delivery: { retry: 'x' } } },
  ];
  for (const j of junk) {
    const problems = triggerProblems(j);
    assert.ok(Array.isArray(problems) && problems.length > 0, JSON.stringify(j));
  }
});
