import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFunction } from 'fnkit/testing';
import * as fn from './index.js';

test('json-echo returns the JSON it got, with method, path and query', async (t) => {
  const client = await testFunction(fn);
  t.after(() => client.close());
  const body = { a: 1, nested: { list: [1, 'two', null] }, unicode: 'é€😀' };
  const res = await client.request({ method: 'PUT', path: '/items/7?x=1&x=2', body });
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-echo'], 'json-echo');
  assert.deepEqual(res.body, { method: 'PUT', path: '/items/7', query: { x: ['1', '2'] }, echo: body });
});

test('json-echo answers 415 to a non-JSON body and 400 to broken JSON', async (t) => {
  const client = await testFunction(fn);
  t.after(() => client.close());
  const text = await client.request({ method: 'POST', body: 'plain text' });
  assert.equal(text.status, 415);
  assert.match(JSON.stringify(text.body), /expected a JSON body/);
  const broken = await client.request({ method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json' } });
  assert.equal(broken.status, 400);
});
