import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, serveFunctionDir, type LambdaServer } from '../../test/lambda/helpers.js';

// This folder is a CommonJS package (its package.json), as the handler needs: __dirname it is.
let s: LambdaServer;
before(async () => {
  s = await serveFunctionDir(__dirname);
});
after(() => s.stop());

test('callback example: answers at once despite an open interval; module state persists; errors are 502', async () => {
  const t0 = Date.now();
  const a = await call(s.url, { path: '/' });
  assert.equal(a.status, 200);
  assert.ok(Date.now() - t0 < 2000, 'did not wait for the event loop (or the 3 s timeout)');
  const b = (await call(s.url, { path: '/' })).json();
  assert.equal(b.queries, a.json().queries + 1);
  assert.ok(b.remainingMs > 2000 && b.remainingMs <= 3000);
  const f = await call(s.url, { path: '/?fail=1' });
  assert.equal(f.status, 502);
  assert.deepEqual(f.json(), { message: 'Internal server error' });
  await s.waitFor(/Invoke Error \t\{"errorType":"Error","errorMessage":"query failed"/);
});
