import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_CONTEXT_LIMIT, matchFunctionName, parseClientContext, parsePayload } from './invoke-api.js';

test('matchFunctionName: function, own name, name:$LATEST, ARNs; others and versions refused', () => {
  const cases: Array<[string, string | undefined]> = [
    ['function', 'orders'],
    ['orders', 'orders'],
    ['orders:$LATEST', 'orders'],
    ['arn:aws:lambda:us-east-1:012345678912:function:orders', 'orders'],
    ['arn:aws:lambda:eu-west-1:1:function:orders:$LATEST', 'orders'],
    ['arn:aws-us-gov:lambda:us-gov-west-1:1:function:function', 'orders'],
    ['orders:2', undefined],
    ['orders:prod', undefined],
    ['arn:aws:lambda:us-east-1:1:function:other', undefined],
    ['other', undefined],
    ['', undefined],
  ];
  for (const [given, want] of cases) assert.equal(matchFunctionName(given, 'orders'), want, given);
});

test('parsePayload: empty is {}, JSON of any type, invalid JSON is an Error', () => {
  assert.deepEqual(parsePayload(Buffer.alloc(0)), {});
  assert.deepEqual(parsePayload(Buffer.from('{"a":1}')), { a: 1 });
  assert.equal(parsePayload(Buffer.from('"s"')), 's');
  assert.equal(parsePayload(Buffer.from('null')), null);
  assert.equal(parsePayload(Buffer.from('42')), 42);
  assert.ok(parsePayload(Buffer.from('{oops')) instanceof Error);
  assert.ok(parsePayload(Buffer.from('plain text')) instanceof Error);
});

test('parseClientContext: base64 JSON object only, at most 3,583 bytes', () => {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  assert.equal(parseClientContext(undefined), undefined);
  assert.equal(parseClientContext(''), undefined);
  assert.deepEqual(parseClientContext(b64('{"custom":{"a":1}}')), { custom: { a: 1 } });
  for (const bad of ['not base64!', b64('[1,2]'), b64('"str"'), b64('{broken'), b64('null')]) {
    assert.ok(parseClientContext(bad) instanceof Error, bad);
  }
  const big = b64(JSON.stringify({ custom: { pad: 'x'.repeat(CLIENT_CONTEXT_LIMIT) } }));
  assert.match((parseClientContext(big) as Error).message, /at most 3583 bytes/);
});
