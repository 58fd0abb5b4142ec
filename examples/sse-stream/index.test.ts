import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFunction } from 'fnkit/testing';
import * as fn from './index.js';

test('sse-stream sends count tick events then done, as text/event-stream', async (t) => {
  const client = await testFunction(fn);
  t.after(() => client.close());
  const res = await client.request({ path: '/?count=3&interval=5' });
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/event-stream/);
  const events = res.text.trim().split('\n\n').map((block) => Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)])));
  assert.deepEqual(events.map((e) => e.event), ['tick', 'tick', 'tick', 'done']);
  assert.deepEqual(events.slice(0, 3).map((e) => JSON.parse(e.data!).n), [1, 2, 3]);
  assert.deepEqual(events.map((e) => e.id), ['1', '2', '3', undefined]);
});
