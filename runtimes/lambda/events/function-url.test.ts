import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionUrlEvent, functionUrlResult, functionUrlError } from './function-url.js';
import { sampleContext, sampleRequest } from './sample-request.js';
import { parseRoutes } from '../routes.js';

test('Function URL event: 2.0 shape, $default, anonymous, cookie header kept', () => {
  const r = functionUrlEvent(
    sampleRequest({ target: '/any/path?x=1', headers: [['Host', 'abc.lambda-url.us-east-1.on.aws'], ['Cookie', 'a=1; b=2']] }),
    sampleContext({ routes: parseRoutes(['GET /pets']), stage: 'ignored' }),
  );
  assert.ok('event' in r);
  const e = r.event as any;
  assert.equal(e.version, '2.0');
  assert.equal(e.routeKey, '$default');
  assert.equal(e.rawPath, '/any/path', 'no routing and no stage prefix on Function URLs');
  assert.deepEqual(e.cookies, ['a=1', 'b=2']);
  assert.equal(e.headers.cookie, 'a=1; b=2');
  assert.equal(e.pathParameters, undefined);
  assert.equal(e.requestContext.accountId, 'anonymous');
  assert.equal(e.requestContext.stage, '$default');
  assert.equal(e.requestContext.routeKey, '$default');
  assert.equal(e.requestContext.apiId, 'orders');
  assert.equal(e.requestContext.domainName, 'abc.lambda-url.us-east-1.on.aws');
  assert.equal(e.requestContext.authorizer, undefined);
});

test('Function URL result: an inferred string is JSON-encoded (urls-invocation doc)', () => {
  const r = functionUrlResult('Hello, world!');
  assert.equal(r.response.body, '"Hello, world!"');
  assert.equal(Buffer.byteLength(String(r.response.body)), 15);
  assert.equal(functionUrlResult({ statusCode: '302', headers: { location: '/' } }).response.status, 302);
  assert.deepEqual(functionUrlResult({ statusCode: 200, cookies: ['a=1', 'b=2'] }).response.headers['set-cookie'], ['a=1', 'b=2']);
  assert.equal(functionUrlResult({ statusCode: 200, body: {} }).response.status, 502);
  assert.equal(functionUrlError().status, 502);
});
