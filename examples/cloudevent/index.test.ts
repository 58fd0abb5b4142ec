import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFunction } from 'fnkit/testing';
import * as fn from './index.js';

const settings = { ceReplyType: 'com.example.order.accepted', ceReplySource: '/examples/cloudevent' };

test('an order event is answered with a reply event, in each mode', async (t) => {
  const client = await testFunction(fn, { settings });
  t.after(() => client.close());
  for (const mode of ['binary', 'structured'] as const) {
    const res = await client.event({ type: 'com.example.order.created', source: '/shop', data: { id: 'o-7', items: 2 } }, { mode });
    assert.equal(res.status, 200, mode);
    assert.equal(res.event?.type, 'com.example.order.accepted', mode);
    assert.equal(res.event?.source, '/examples/cloudevent', mode);
    assert.deepEqual(res.event?.data, { orderId: 'o-7', items: 2, acceptedFrom: '/shop' }, mode);
  }
});

test('a ping gets 202 with no body; a wrong type or order gets 422; plain HTTP gets 400', async (t) => {
  const client = await testFunction(fn, { settings });
  t.after(() => client.close());
  const ping = await client.event({ type: 'com.example.ping', source: '/monitor' });
  assert.equal(ping.status, 202);
  assert.equal(ping.rawBody.length, 0);
  assert.equal((await client.event({ type: 'com.example.other', source: '/x', data: {} })).status, 422);
  assert.equal((await client.event({ type: 'com.example.order.created', source: '/x', data: { items: 1 } })).status, 422);
  assert.equal((await client.request({ method: 'POST', body: { id: 'x' } })).status, 400);
});
