import { test } from 'node:test';
import assert from 'node:assert/strict';
import { albEvent, albResult, albError, ALB_LIMIT } from './alb.js';
import { sampleContext, sampleRequest } from './sample-request.js';

const req = sampleRequest({
  target: '/lambda?query=1234ABCD&q=a%20b&q=c',
  headers: [
    ['Accept', 'text/html'],
    ['Cookie', 'a=1'],
    ['Cookie', 'b=2'],
    ['User-Agent', 'ELB-HealthChecker/2.0'],
  ],
});

test('ALB event, multi-value off: last values, query NOT decoded, body ""', () => {
  const r = albEvent(req, sampleContext());
  assert.ok('event' in r);
  const e = r.event as any;
  assert.match(e.requestContext.elb.targetGroupArn, /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/orders\//);
  assert.equal(e.httpMethod, 'GET');
  assert.equal(e.path, '/lambda');
  assert.deepEqual(e.queryStringParameters, { query: '1234ABCD', q: 'c' });
  assert.equal(e.headers.cookie, 'b=2', 'last value, cookie included');
  assert.equal(e.headers.accept, 'text/html', 'names lower case');
  assert.equal(e.multiValueHeaders, undefined);
  assert.equal(e.multiValueQueryStringParameters, undefined);
  assert.equal(e.body, '');
  assert.equal(e.isBase64Encoded, false);
  for (const k of ['resource', 'pathParameters', 'stageVariables', 'version']) assert.ok(!(k in e), k);
  const empty = albEvent(sampleRequest({ target: '/' }), sampleContext()) as any;
  assert.deepEqual(empty.event.queryStringParameters, {}, 'no query is {} on ALB');
});

test('ALB event, multi-value on: only the multi-value keys (serverless#7010)', () => {
  const r = albEvent(req, sampleContext({ multiValueHeaders: true }));
  assert.ok('event' in r);
  const e = r.event as any;
  assert.deepEqual(e.multiValueQueryStringParameters, { query: ['1234ABCD'], q: ['a%20b', 'c'] });
  assert.deepEqual(e.multiValueHeaders.cookie, ['a=1', 'b=2']);
  assert.equal(e.headers, undefined);
  assert.equal(e.queryStringParameters, undefined);
});

test('ALB event: base64 for content-encoding or non-text types; 1 MB body limit', () => {
  const body = Buffer.from('{"a":1}');
  const json = albEvent(sampleRequest({ method: 'POST', headers: [['content-type', 'application/json']], body }), sampleContext()) as any;
  assert.equal(json.event.isBase64Encoded, false);
  assert.equal(json.event.body, '{"a":1}');
  const gz = albEvent(sampleRequest({ method: 'POST', headers: [['content-type', 'application/json'], ['content-encoding', 'gzip']], body }), sampleContext()) as any;
  assert.equal(gz.event.isBase64Encoded, true);
  assert.equal(gz.event.body, body.toString('base64'));
  const bin = albEvent(sampleRequest({ method: 'POST', headers: [['content-type', 'application/octet-stream']], body }), sampleContext()) as any;
  assert.equal(bin.event.isBase64Encoded, true);
  const big = albEvent(sampleRequest({ method: 'POST', body: Buffer.alloc(ALB_LIMIT + 1) }), sampleContext());
  assert.ok('response' in big);
  assert.equal(big.response.status, 413);
});

test('ALB result: headers or multiValueHeaders by the target group setting', () => {
  const result = { statusCode: 200, statusDescription: '200 OK', headers: { 'x-h': 'single' }, multiValueHeaders: { 'set-cookie': ['m1=1', 'm2=2'] }, body: 'alb', isBase64Encoded: false };
  const off = albResult(result, { multiValueHeaders: false });
  assert.equal(off.response.headers['x-h'], 'single');
  assert.equal(off.response.headers['set-cookie'], undefined);
  const on = albResult(result, { multiValueHeaders: true });
  assert.deepEqual(on.response.headers['set-cookie'], ['m1=1', 'm2=2']);
  assert.equal(on.response.headers['x-h'], undefined);
  assert.equal(on.response.body, 'alb');
  const b64 = albResult({ statusCode: 200, body: Buffer.from([1, 2, 255]).toString('base64'), isBase64Encoded: true }, { multiValueHeaders: false });
  assert.deepEqual(b64.response.body, Buffer.from([1, 2, 255]));
  // hop-by-hop and length headers are the server's (ALB doc)
  const hop = albResult({ statusCode: 200, headers: { connection: 'close', 'transfer-encoding': 'chunked', 'content-length': '999' }, body: 'x' }, { multiValueHeaders: false });
  assert.deepEqual(hop.response.headers, {});
});

test('ALB: errors and malformed or oversized results are 502', () => {
  for (const result of [null, 'x', { statusCode: 200, body: 5 }, { body: 'no status' }, { statusCode: 200, body: 'x'.repeat(ALB_LIMIT) }]) {
    const r = albResult(result, { multiValueHeaders: false });
    assert.equal(r.response.status, 502, JSON.stringify(result).slice(0, 60));
    assert.ok(r.problem);
    assert.match(String(r.response.body), /502 Bad Gateway/);
  }
  assert.equal(albError().status, 502);
});
