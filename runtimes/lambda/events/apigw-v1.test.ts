import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restEvent, restResult, restError } from './apigw-v1.js';
import { sampleContext, sampleRequest } from './sample-request.js';
import { parseRoutes } from '../routes.js';

const ev = (r: ReturnType<typeof restEvent>): any => {
  assert.ok('event' in r, 'expected an event');
  return r.event;
};

test('REST 1.0 event: the AWS sample shape (set-up-lambda-proxy-integrations "Input format")', () => {
  const c = sampleContext({ routes: parseRoutes(['GET /pets/{petId}']), stage: 'prod' });
  const req = sampleRequest({
    method: 'GET',
    target: '/prod/pets/42?name=me&multi=a&multi=b&sort=-+createdAt',
    headers: [
      ['Host', 'api.example.com'],
      ['User-Agent', 'curl/8.0'],
      ['Header1', 'value1'],
      ['mv', 'a'],
      ['mv', 'b'],
    ],
  });
  const e = ev(restEvent(req, c));
  assert.equal(e.version, undefined, 'REST events have no version key');
  assert.equal(e.resource, '/pets/{petId}');
  assert.equal(e.path, '/pets/42', 'path is without the stage');
  assert.equal(e.httpMethod, 'GET');
  // case preserved; last value in headers, all values in multiValueHeaders (serverless-offline#510)
  assert.deepEqual(e.headers, { Host: 'api.example.com', 'User-Agent': 'curl/8.0', Header1: 'value1', mv: 'b' });
  assert.deepEqual(e.multiValueHeaders.mv, ['a', 'b']);
  assert.deepEqual(e.multiValueHeaders.Header1, ['value1']);
  // last value; '+' is a space (aws-cdk#19827)
  assert.deepEqual(e.queryStringParameters, { name: 'me', multi: 'b', sort: '- createdAt' });
  assert.deepEqual(e.multiValueQueryStringParameters, { name: ['me'], multi: ['a', 'b'], sort: ['- createdAt'] });
  assert.deepEqual(e.pathParameters, { petId: '42' });
  assert.equal(e.stageVariables, null);
  assert.equal(e.body, null);
  assert.equal(e.isBase64Encoded, false);
  const rc = e.requestContext;
  assert.equal(rc.path, '/prod/pets/42', 'requestContext.path has the stage');
  assert.equal(rc.stage, 'prod');
  assert.equal(rc.resourcePath, '/pets/{petId}');
  assert.equal(rc.httpMethod, 'GET');
  assert.equal(rc.accountId, '123456789012');
  assert.equal(rc.requestTime, '04/Mar/2026:05:06:07 +0000');
  assert.equal(rc.requestTimeEpoch, Date.UTC(2026, 2, 4, 5, 6, 7, 89));
  assert.equal(rc.identity.sourceIp, '192.0.2.1');
  assert.equal(rc.identity.userAgent, 'curl/8.0');
  assert.equal(rc.domainName, 'api.example.com');
  assert.equal(rc.protocol, 'HTTP/1.1');
});

test('REST 1.0 event: empty collections are null, not {} (aws-sam-cli#338)', () => {
  const e = ev(restEvent(sampleRequest({ target: '/' }), sampleContext()));
  assert.equal(e.queryStringParameters, null);
  assert.equal(e.multiValueQueryStringParameters, null);
  assert.equal(e.pathParameters, null);
  assert.equal(e.stageVariables, null);
  assert.equal(e.body, null);
  assert.equal(e.headers, null);
  assert.equal(e.resource, '/');
});

test('REST 1.0 event: no routes = one greedy {proxy+} resource, decoded value', () => {
  const e = ev(restEvent(sampleRequest({ target: '/a/b%20c' }), sampleContext()));
  assert.equal(e.resource, '/{proxy+}');
  assert.deepEqual(e.pathParameters, { proxy: 'a/b c' });
  assert.equal(e.path, '/a/b%20c');
});

test('REST 1.0 event: body text vs binaryMediaTypes (exact, type/*, */*)', () => {
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  const cases: Array<[string, string[], boolean]> = [
    ['image/png', ['image/png'], true],
    ['image/png', ['image/*'], true],
    ['image/png', ['*/*'], true],
    ['image/png', ['image/jpeg'], false],
    ['application/octet-stream', [], false],
    ['application/json', ['image/*'], false],
    ['image/PNG; charset=x', ['image/png'], true],
  ];
  for (const [ct, types, b64] of cases) {
    const e = ev(restEvent(sampleRequest({ method: 'POST', target: '/up', headers: [['Content-Type', ct]], body: bytes }), sampleContext({ binaryMediaTypes: types })));
    assert.equal(e.isBase64Encoded, b64, `${ct} with ${types}`);
    assert.equal(e.body, b64 ? bytes.toString('base64') : bytes.toString('utf8'));
  }
  // application/x-www-form-urlencoded is passed raw, never parsed (serverless-offline#60, #225)
  const form = ev(restEvent(sampleRequest({ method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'a=1&b=%20' }), sampleContext()));
  assert.equal(form.body, 'a=1&b=%20');
});

test('REST 1.0: unknown resource or missing stage is 403 Missing Authentication Token', () => {
  const c = sampleContext({ routes: parseRoutes(['GET /pets']), stage: 'prod' });
  for (const target of ['/prod/cats', '/pets', '/production/pets']) {
    const r = restEvent(sampleRequest({ target }), c);
    assert.ok('response' in r, target);
    assert.equal(r.response.status, 403);
    assert.deepEqual(JSON.parse(String(r.response.body)), { message: 'Missing Authentication Token' });
  }
});

test('REST 1.0 result mapping', () => {
  const req = sampleRequest({});
  const c = sampleContext({ binaryMediaTypes: ['image/png'] });
  // headers + multiValueHeaders merge; a pair in both appears once; Set-Cookie repeats
  const r = restResult(
    { statusCode: 201, headers: { 'Set-Cookie': 'a=1', 'X-One': 'x' }, multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'], 'X-List': ['1', '2'] }, body: 'made' },
    req,
    c,
  );
  assert.equal(r.problem, undefined);
  assert.equal(r.response.status, 201);
  assert.deepEqual(r.response.headers['set-cookie'], ['a=1', 'b=2']);
  assert.deepEqual(r.response.headers['x-list'], ['1', '2']);
  assert.equal(r.response.headers['x-one'], 'x');
  assert.equal(r.response.headers['content-type'], 'application/json', 'REST default content type');
  assert.equal(r.response.body, 'made');
  // missing statusCode is 200 on REST; "302" as a string is honoured
  assert.equal(restResult({ body: 'x' }, req, c).response.status, 200);
  assert.equal(restResult({ statusCode: '302', headers: { Location: '/x' } }, req, c).response.status, 302);
  // base64 body: bytes only when Accept's first type (or the response type) is binary
  const png = Buffer.from([137, 80, 78, 71]);
  const bin = { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true };
  assert.deepEqual(restResult(bin, sampleRequest({ headers: [['Accept', 'image/png']] }), c).response.body, png);
  assert.deepEqual(restResult(bin, req, c).response.body, png, 'response content-type is a binary media type');
  const text = restResult({ ...bin, headers: { 'Content-Type': 'text/plain' } }, sampleRequest({ headers: [['Accept', 'text/html,image/png']] }), c);
  assert.equal(text.response.body, png.toString('base64'), 'base64 text passes through when neither matches');
});

test('REST 1.0: malformed results are 502 Internal server error, the reason goes to the log', () => {
  const req = sampleRequest({});
  const c = sampleContext();
  const cases: Array<[unknown, RegExp]> = [
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
    [{ statusCode: 200, body: 'x', extra: 1 }, /unknown keys "extra"/],
    [{ statusCode: 'abc', body: 'x' }, /statusCode must be an HTTP status number/],
    [{ statusCode: 200, headers: { a: { b: 1 } } }, /header "a" must be a string/],
    [{ statusCode: 200, multiValueHeaders: { a: 'x' } }, /must be a list/],
    ['a string', /expected an object/],
    [null, /expected an object/],
    [[1], /expected an object/],
  ];
  for (const [result, re] of cases) {
    const m = restResult(result, req, c);
    assert.equal(m.response.status, 502, JSON.stringify(result));
    assert.deepEqual(JSON.parse(String(m.response.body)), { message: 'Internal server error' });
    assert.match(m.problem ?? '', /^Malformed Lambda proxy response: /);
    assert.match(m.problem ?? '', re);
  }
  assert.equal(restError().status, 502);
  assert.deepEqual(JSON.parse(String(restError().body)), { message: 'Internal server error' });
});
