import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFunction } from 'fnkit/testing';
import * as fn from './index.js';

test('the Hono app answers through its fetch: routes, params, JSON in and out, 404', async (t) => {
  const client = await testFunction(fn);
  t.after(() => client.close());
  const root = await client.request({ path: '/' });
  assert.equal(root.status, 200);
  assert.equal(root.text, 'hono on fnkit');
  assert.deepEqual((await client.request({ path: '/hello/Ada' })).body, { message: 'Hello, Ada!' });
  const echo = await client.request({ method: 'POST', path: '/echo', body: { n: 1 } });
  assert.equal(echo.status, 201);
  assert.deepEqual(echo.body, { echo: { n: 1 }, method: 'POST' });
  const missing = await client.request({ path: '/nope' });
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.body, { error: 'no route for GET /nope' });
});
