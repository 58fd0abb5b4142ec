import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { call, serveFunctionDir, type LambdaServer } from '../../test/lambda/helpers.js';

let s: LambdaServer;
before(async () => {
  s = await serveFunctionDir(dirname(fileURLToPath(import.meta.url)));
});
after(() => s.stop());

test('streaming example: chunked CSV with the prelude\'s status, headers and cookie', async () => {
  const r = await call(s.url, { path: '/?rows=4' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/csv');
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['transfer-encoding'], 'chunked');
  assert.deepEqual(r.headers['set-cookie'], ['report=running; Path=/']);
  assert.equal(r.text, 'row,value\n1,1\n2,4\n3,9\n4,16\n');
});
