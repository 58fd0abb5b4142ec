// Unit tests call the handler the way Lambda does: an event and a context. `fn test` runs the
// TypeScript directly (no build step needed for tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handler } from './index.js';
import type { APIGatewayProxyEventV2, Context } from './lambda-types.js';

const context: Context = { awsRequestId: 'test-request', functionName: '{{name}}', getRemainingTimeInMillis: () => 3000 };
const event = (over: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: '/',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: { http: { method: 'GET', path: '/' } },
  isBase64Encoded: false,
  ...over,
});
const body = (r: Awaited<ReturnType<typeof handler>>) => JSON.parse(typeof r === 'string' ? r : r.body ?? 'null');

test('greets by query parameter', async () => {
  const res = await handler(event({ rawQueryString: 'name=Ada', queryStringParameters: { name: 'Ada' } }), context);
  assert.equal(typeof res === 'object' && res.statusCode, 200);
  assert.deepEqual(body(res), { message: 'Hello, Ada!', requestId: 'test-request' });
});

test('greets by JSON body (plain or base64), and the world by default', async () => {
  assert.equal(body(await handler(event({ body: '{"name":"Grace"}' }), context)).message, 'Hello, Grace!');
  const b64 = Buffer.from('{"name":"Linus"}').toString('base64');
  assert.equal(body(await handler(event({ body: b64, isBase64Encoded: true }), context)).message, 'Hello, Linus!');
  assert.equal(body(await handler(event(), context)).message, 'Hello, world!');
});
