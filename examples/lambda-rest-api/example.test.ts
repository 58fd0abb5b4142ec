import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, rawHeaderValues, serveFunctionDir, type LambdaServer } from '../../test/lambda/helpers.js';

// This folder is a CommonJS package (its package.json), as the handler needs: __dirname it is.
let s: LambdaServer;
before(async () => {
  s = await serveFunctionDir(__dirname);
});
after(() => s.stop());

test('REST API example: routes, stage, multi-value query and headers, repeated Set-Cookie', async () => {
  const r = await call(s.url, { path: '/prod/pets?tag=dog&tag=cat', headers: { Accept: ['application/json', 'text/plain'] } });
  assert.equal(r.status, 200);
  const body = r.json();
  assert.equal(body.pets.length, 2);
  assert.equal(body.stage, 'prod');
  assert.deepEqual(rawHeaderValues(r, 'set-cookie'), ['session=abc; HttpOnly', 'theme=dark']);
  assert.deepEqual(rawHeaderValues(r, 'vary'), ['Accept', 'Accept-Encoding']);
  assert.deepEqual((await call(s.url, { path: '/prod/pets?tag=cat' })).json().pets.map((p: { name: string }) => p.name), ['Tom']);
  assert.equal((await call(s.url, { path: '/prod/pets/2' })).json().name, 'Tom');
  assert.equal((await call(s.url, { path: '/prod/pets/9' })).status, 404);
  const made = await call(s.url, { method: 'POST', path: '/prod/pets', headers: { 'content-type': 'application/json' }, body: '{"name":"Kit"}' });
  assert.equal(made.status, 201);
  assert.equal(made.headers.location, '/prod/pets/3');
  assert.equal((await call(s.url, { path: '/pets' })).status, 403, 'without the stage prefix');
});
