import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpApiEvent, httpApiResult, httpApiError } from './apigw-v2.js';
import { sampleContext, sampleRequest } from './sample-request.js';
import { parseRoutes } from '../routes.js';

const ev = (r: ReturnType<typeof httpApiEvent>): any => {
  assert.ok('event' in r, 'expected an event');
  return r.event;
};

test('HTTP API 2.0 event: the AWS sample shape (event-v2.json)', () => {
  const c = sampleContext({ routes: parseRoutes(['GET /my/path/{id}']), stage: 'default' });
  const req = sampleRequest({
    target: '/default/my/path/a%40b?parameter1=value1&parameter1=value2&parameter2=value&enc=%2B%20x',
    headers: [
      ['Host', 'id.execute-api.us-east-1.amazonaws.com'],
      ['Header1', 'value1'],
      ['Header1', 'value2'],
      ['User_Agent_X', 'keep underscores'],
      ['Cookie', 'cookie1=v1; cookie2=v2'],
      ['Content-Type', 'application/json'],
    ],
    body: '{"hello":"world"}',
  });
  const e = ev(httpApiEvent(req, c));
  assert.equal(e.version, '2.0');
  assert.equal(e.routeKey, 'GET /my/path/{id}');
  assert.equal(e.rawPath, '/default/my/path/a%40b', 'rawPath keeps the stage prefix');
  // rawQueryString exactly as received (ministack#1035, serverless-offline re-encodes)
  assert.equal(e.rawQueryString, 'parameter1=value1&parameter1=value2&parameter2=value&enc=%2B%20x');
  // cookies split out, the cookie header removed (mangum#153)
  assert.deepEqual(e.cookies, ['cookie1=v1', 'cookie2=v2']);
  assert.equal(e.headers.cookie, undefined);
  // lower-cased names, duplicates comma-joined, "_" untouched (aws-sam-cli#2726, #621)
  assert.equal(e.headers.header1, 'value1,value2');
  assert.equal(e.headers.user_agent_x, 'keep underscores');
  assert.equal(e.headers.Header1, undefined);
  assert.equal(e.multiValueHeaders, undefined, '2.0 has no multiValueHeaders');
  // decoded, duplicates joined with "," (aws-sam-cli#3194)
  assert.deepEqual(e.queryStringParameters, { parameter1: 'value1,value2', parameter2: 'value', enc: '+ x' });
  assert.deepEqual(e.pathParameters, { id: 'a@b' });
  assert.equal(e.body, '{"hello":"world"}');
  assert.equal(e.isBase64Encoded, false);
  assert.equal(e.stageVariables, undefined);
  const rc = e.requestContext;
  assert.deepEqual(rc.http, { method: 'GET', path: '/default/my/path/a%40b', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: '' });
  assert.equal(rc.routeKey, 'GET /my/path/{id}');
  assert.equal(rc.stage, 'default');
  assert.equal(rc.time, '04/Mar/2026:05:06:07 +0000');
  assert.equal(rc.timeEpoch, Date.UTC(2026, 2, 4, 5, 6, 7, 89));
  assert.equal(rc.domainName, 'id.execute-api.us-east-1.amazonaws.com');
  assert.equal(rc.domainPrefix, 'id');
  assert.equal(rc.requestId, 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef');
});

test('HTTP API 2.0 event: empty collections are absent; $default route and stage', () => {
  const e = ev(httpApiEvent(sampleRequest({ target: '/x' }), sampleContext()));
  for (const k of ['cookies', 'queryStringParameters', 'pathParameters', 'stageVariables', 'body']) assert.ok(!(k in e), k);
  assert.equal(e.routeKey, '$default');
  assert.equal(e.requestContext.stage, '$default');
  assert.equal(e.rawQueryString, '');
  assert.equal(e.isBase64Encoded, false);
});

test('HTTP API 2.0 event: only text types stay text, everything else is base64 (ministack#766)', () => {
  const bytes = Buffer.from('a=1&b=2');
  const cases: Array<[string | undefined, boolean]> = [
    ['text/plain', false],
    ['text/html; charset=utf-8', false],
    ['application/json', false],
    ['application/javascript', false],
    ['application/xml', false],
    ['application/x-www-form-urlencoded', true],
    ['application/octet-stream', true],
    ['multipart/form-data; boundary=x', true],
    ['image/png', true],
    [undefined, true],
  ];
  for (const [ct, b64] of cases) {
    const e = ev(httpApiEvent(sampleRequest({ method: 'POST', headers: ct ? [['content-type', ct]] : [], body: bytes }), sampleContext()));
    assert.equal(e.isBase64Encoded, b64, String(ct));
    assert.equal(e.body, b64 ? bytes.toString('base64') : 'a=1&b=2');
  }
});

test('HTTP API 2.0: no matching route is 404 Not Found', () => {
  const r = httpApiEvent(sampleRequest({ target: '/nope' }), sampleContext({ routes: parseRoutes(['GET /pets']) }));
  assert.ok('response' in r);
  assert.equal(r.response.status, 404);
  assert.deepEqual(JSON.parse(String(r.response.body)), { message: 'Not Found' });
});

test('HTTP API 2.0 result: full form, cookies, base64, numeric-string status', () => {
  const r = httpApiResult({ statusCode: 200, headers: { 'X-A': 'x,y', 'content-type': 'text/plain' }, cookies: ['a=1; Path=/', 'b=2'], body: 'hi' });
  assert.equal(r.response.status, 200);
  assert.deepEqual(r.response.headers['set-cookie'], ['a=1; Path=/', 'b=2'], 'each cookie its own Set-Cookie (aws-sam-cli#3168)');
  assert.equal(r.response.headers['x-a'], 'x,y');
  assert.equal(r.response.body, 'hi');
  const png = Buffer.from([137, 80, 78, 71, 0, 255]);
  assert.deepEqual(httpApiResult({ statusCode: 200, headers: { 'content-type': 'text/plain' }, body: png.toString('base64'), isBase64Encoded: true }).response.body, png, 'always decoded');
  assert.equal(httpApiResult({ statusCode: '302', headers: { location: '/x' } }).response.status, 302);
  assert.equal(httpApiResult({ statusCode: 204 }).response.body, '');
});

test('HTTP API 2.0 result: inference when there is no statusCode', () => {
  const cases: Array<[unknown, string]> = [
    [{ message: 'hi' }, '{"message":"hi"}'],
    // an object with body/headers but no statusCode is still the whole body (serverless-offline#990)
    [{ body: 'x', headers: { a: 'b' } }, '{"body":"x","headers":{"a":"b"}}'],
    ['Hello from Lambda!', 'Hello from Lambda!'],
    [42, '42'],
    [[1, 2], '[1,2]'],
    [null, 'null'],
    [true, 'true'],
  ];
  for (const [result, body] of cases) {
    const r = httpApiResult(result);
    assert.equal(r.response.status, 200, JSON.stringify(result));
    assert.equal(r.response.headers['content-type'], 'application/json');
    assert.equal(r.response.body, body);
  }
});

test('HTTP API 2.0: malformed results and errors are 500 Internal Server Error', () => {
  for (const [result, re] of [
    [{ statusCode: 200, body: { a: 1 } }, /body must be a string/],
    [{ statusCode: 99 }, /statusCode/],
    [{ statusCode: 200, cookies: 'a=1' }, /cookies must be a list/],
    [{ statusCode: 200, headers: [1] }, /headers must be an object/],
  ] as const) {
    const r = httpApiResult(result);
    assert.equal(r.response.status, 500);
    assert.equal(r.response.body, '{"message":"Internal Server Error"}');
    assert.match(r.problem ?? '', re);
  }
  const e = httpApiError();
  assert.equal(e.status, 500);
  assert.equal(e.body, '{"message":"Internal Server Error"}');
  assert.equal(Buffer.byteLength(String(e.body)), 35, 'content-length 35, as AWS sends it (aws-sam-cli#2590)');
});
