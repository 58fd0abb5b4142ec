import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextHeader, functionArn, parseErrorBody, splitStreamingPrelude, toXrayTraceId } from './runtime-api-wire.js';

test('parseErrorBody: RIC trace, doc stackTrace, header fallback, non-JSON kept', () => {
  const cases: Array<[string, string | undefined, unknown]> = [
    ['{"errorType":"TypeError","errorMessage":"x","trace":["a","b"]}', undefined, { errorType: 'TypeError', errorMessage: 'x', trace: ['a', 'b'] }],
    ['{"errorMessage":"m","errorType":"Custom","stackTrace":["s"]}', 'Function.Other', { errorType: 'Custom', errorMessage: 'm', trace: ['s'] }],
    ['{"errorMessage":"m"}', 'Function.FromHeader', { errorType: 'Function.FromHeader', errorMessage: 'm' }],
    ['{"errorMessage":"m"}', undefined, { errorType: 'Runtime.Unknown', errorMessage: 'm' }],
    ['not json at all', 'Function.Crash', { errorType: 'Function.Crash', errorMessage: 'not json at all' }],
    ['"just a string"', undefined, { errorType: 'Runtime.Unknown', errorMessage: 'just a string' }],
    ['', 'X.Y', { errorType: 'X.Y', errorMessage: '' }],
    ['{"errorType":"T","errorMessage":{"nested":1}}', undefined, { errorType: 'T', errorMessage: '{"nested":1}' }],
    ['[1,2]', undefined, { errorType: 'Runtime.Unknown', errorMessage: '[1,2]' }],
  ];
  for (const [body, header, want] of cases) assert.deepEqual(parseErrorBody(Buffer.from(body), header), want, body);
});

async function* chunks(parts: Buffer[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}
async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(Buffer.from(c));
  return Buffer.concat(out).toString();
}

test('splitStreamingPrelude: prelude and 8 NULs split across any chunk boundary', async () => {
  const whole = Buffer.concat([Buffer.from('{"statusCode":201,"headers":{"a":"b"},"cookies":["c=1"]}'), Buffer.alloc(8), Buffer.from('body-bytes')]);
  for (const cut of [1, 10, whole.length - 14, whole.length - 11, whole.length - 10, whole.length - 1]) {
    const r = await splitStreamingPrelude(chunks([whole.subarray(0, cut), whole.subarray(cut)]));
    assert.deepEqual(r.prelude, { statusCode: 201, headers: { a: 'b' }, cookies: ['c=1'] }, `cut ${cut}`);
    assert.equal(await collect(r.body), 'body-bytes', `cut ${cut}`);
  }
  await assert.rejects(splitStreamingPrelude(chunks([Buffer.from('{"statusCode":200}')])), /ended before the HTTP prelude separator/);
  await assert.rejects(splitStreamingPrelude(chunks([Buffer.concat([Buffer.from('nope'), Buffer.alloc(8)])])), /not JSON/);
  await assert.rejects(splitStreamingPrelude(chunks([Buffer.concat([Buffer.from('[1]'), Buffer.alloc(8)])])), /must be a JSON object/);
});

test('toXrayTraceId: X-Ray kept, W3C traceparent and bare ids converted, junk dropped', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=1'],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-00', 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=00f067aa0ba902b7;Sampled=0'],
    ['4bf92f3577b34da6a3ce929d0e0e4736', 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736'],
    ['garbage', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [input, want] of cases) assert.equal(toXrayTraceId(input), want, String(input));
});

test('functionArn and contextHeader', () => {
  assert.equal(functionArn('f', {}), 'arn:aws:lambda:us-east-1:012345678912:function:f');
  assert.equal(functionArn('f', { AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '111122223333' }), 'arn:aws:lambda:eu-west-1:111122223333:function:f');
  assert.equal(functionArn('f', { AWS_DEFAULT_REGION: 'ap-south-1' }), 'arn:aws:lambda:ap-south-1:012345678912:function:f');
  assert.equal(contextHeader(undefined), undefined);
  assert.equal(contextHeader(null), undefined);
  assert.equal(contextHeader(''), undefined);
  assert.equal(contextHeader({ a: 1 }), '{"a":1}');
  assert.equal(contextHeader('{"a":1}'), '{"a":1}');
  assert.equal(contextHeader(Buffer.from('{"b":2}').toString('base64')), '{"b":2}');
});
