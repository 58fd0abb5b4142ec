import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFunction } from 'fnkit/testing';
import * as fn from './index.js';

test('hello-ts greets by name and defaults to the world', async (t) => {
  const client = await testFunction(fn);
  t.after(() => client.close());
  const res = await client.request({ path: '/?name=Ada' });
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.deepEqual(res.body, { message: `${process.env.GREETING ?? 'Hello'}, Ada!` });
  assert.deepEqual((await client.request({ path: '/any/path?name=' })).body, { message: `${process.env.GREETING ?? 'Hello'}, world!` });
});
