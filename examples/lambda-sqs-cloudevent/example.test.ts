import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, serveFunctionDir, type LambdaServer } from '../../test/lambda/helpers.js';

// This folder is a CommonJS package (its package.json), as the handler needs: __dirname it is.
let s: LambdaServer;
before(async () => {
  s = await serveFunctionDir(__dirname);
});
after(() => s.stop());

const record = (id: string, body: unknown) => ({ messageId: id, receiptHandle: `rh-${id}`, body: JSON.stringify(body), attributes: {}, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:orders', awsRegion: 'us-east-1' });

test('SQS example: a CloudEvent carrying an SQS batch; failed records come back in the reply event', async () => {
  const sqs = { Records: [record('m1', { id: 1, amount: 5 }), record('m2', { id: 2, amount: -1 }), record('m3', { id: 3, amount: 7 })] };
  const r = await call(s.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'batch-1', 'ce-source': '/knative/kafka/orders', 'ce-type': 'com.amazonaws.sqs.batch' },
    body: JSON.stringify(sqs),
  });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.headers['ce-id'], 'a reply event');
  assert.deepEqual(r.json(), { batchItemFailures: [{ itemIdentifier: 'm2' }] });
  await s.waitFor(/processed 3 records, total 12, from \/knative\/kafka\/orders/);
});
