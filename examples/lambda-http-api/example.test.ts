import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { call, rawHeaderValues, serveFunctionDir, type LambdaServer } from '../../test/lambda/helpers.js';

let s: LambdaServer;
before(async () => {
  s = await serveFunctionDir(dirname(fileURLToPath(import.meta.url)));
});
after(() => s.stop());

test('HTTP API example: cookies in and out, 2.0 inference, 404 outside the routes', async () => {
  const add = await call(s.url, { method: 'POST', path: '/cart/items', headers: { 'content-type': 'application/json', cookie: 'cart=apple' }, body: '{"item":"pear"}' });
  assert.equal(add.status, 201);
  assert.deepEqual(rawHeaderValues(add, 'set-cookie'), ['cart=apple|pear; Path=/; HttpOnly', 'last=pear; Path=/']);
  const cart = await call(s.url, { path: '/cart', headers: { cookie: 'cart=apple|pear; other=1', 'X-User': 'ann' } });
  assert.equal(cart.status, 200);
  assert.equal(cart.headers['content-type'], 'application/json');
  assert.deepEqual(cart.json(), { items: ['apple', 'pear'], total: 2, user: 'ann' });
  assert.equal((await call(s.url, { method: 'POST', path: '/cart/items', headers: { 'content-type': 'application/json' }, body: '{"item":"kiwi"}' })).status, 400);
  assert.equal((await call(s.url, { path: '/nope' })).status, 404);
});
