// Unit tests call the handler the way Lambda does: an event and a context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handler } from './index.js';

const context = { awsRequestId: 'test-request', functionName: '{{name}}', getRemainingTimeInMillis: () => 3000 };
const event = (over = {}) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method: 'GET', path: '/' } },
  isBase64Encoded: false,
  ...over,
});

test('greets by query parameter', async () => {
  const res = await handler(event({ rawQueryString: 'name=Ada', queryStringParameters: { name: 'Ada' } }), context);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body), { message: 'Hello, Ada!', requestId: 'test-request' });
  assert.deepEqual(res.cookies, ['greeted=1; Path=/; HttpOnly']);
});

test('greets by JSON body (plain or base64), and the world by default', async () => {
  assert.equal(JSON.parse((await handler(event({ body: '{"name":"Grace"}' }), context)).body).message, 'Hello, Grace!');
  const b64 = Buffer.from('{"name":"Linus"}').toString('base64');
  assert.equal(JSON.parse((await handler(event({ body: b64, isBase64Encoded: true }), context)).body).message, 'Hello, Linus!');
  assert.equal(JSON.parse((await handler(event(), context)).body).message, 'Hello, world!');
});
