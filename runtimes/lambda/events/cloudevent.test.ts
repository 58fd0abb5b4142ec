import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudEvent } from 'cloudevents';
import { cloudEventAttributes, cloudEventError, cloudEventResult, cloudEventToLambdaEvent } from './cloudevent.js';

const sqs = { Records: [{ messageId: '1', body: 'hello', eventSource: 'aws:sqs' }] };

test('the CloudEvent data is the Lambda event', () => {
  const cases: Array<[unknown, unknown]> = [
    [sqs, sqs],
    ['{"detail-type":"x"}', { 'detail-type': 'x' }],
    ['plain text', 'plain text'],
    [undefined, {}],
    [Buffer.from([1, 2, 3]), 'AQID'],
  ];
  for (const [data, event] of cases) {
    const ce = new CloudEvent({ id: '1', source: '/s', type: 't', data });
    assert.deepEqual(cloudEventToLambdaEvent(ce), event, JSON.stringify(data));
  }
});

test('attributes without data become the client context', () => {
  const ce = new CloudEvent({ id: 'id-1', source: '/s', type: 'com.example.t', subject: 'sub', myext: 'v', data: sqs });
  const a = cloudEventAttributes(ce);
  assert.equal(a.id, 'id-1');
  assert.equal(a.type, 'com.example.t');
  assert.equal(a.subject, 'sub');
  assert.equal(a.myext, 'v');
  assert.equal(a.specversion, '1.0');
  assert.ok(!('data' in a));
});

test('results are values for the invoker to encode; errors are 5xx for broker retries', () => {
  assert.deepEqual(cloudEventResult({ ok: 1 }), { kind: 'value', value: { ok: 1 } });
  assert.deepEqual(cloudEventResult(null), { kind: 'value', value: undefined });
  assert.equal(cloudEventError(false).status, 500);
  assert.equal(cloudEventError(true).status, 504);
});
