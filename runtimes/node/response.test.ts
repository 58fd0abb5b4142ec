import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toResult, isExplicitResponse } from './response.js';
import { response, sse, HttpError } from './public.js';

test('explicit response shapes', () => {
  const yes = [{ statusCode: 200 }, { status: 404, body: 'x' }, { statusCode: 201, headers: {}, body: {} }, { statusCode: 302, headers: { location: '/' } }, response('x')];
  const no = [{ status: 'ok' }, { statusCode: 200, user: 'bob' }, { status: 1000 }, { statusCode: 200.5 }, { data: 1 }, { statusCode: 200, headers: 'x' }];
  for (const v of yes) assert.equal(isExplicitResponse(v), true, JSON.stringify(v));
  for (const v of no) assert.equal(isExplicitResponse(v), false, JSON.stringify(v));
});

test('toResult', async () => {
  assert.deepEqual(toResult({ a: 1 }), { kind: 'value', value: { a: 1 } });
  assert.deepEqual(toResult('s'), { kind: 'value', value: 's' });
  assert.deepEqual(toResult(undefined), { kind: 'value', value: undefined });
  const r = toResult({ statusCode: 201, headers: { 'X-A': 1, 'Set-Cookie': ['a', 'b'] }, body: { ok: true } });
  assert.deepEqual(r, { kind: 'response', status: 201, headers: { 'x-a': '1', 'set-cookie': ['a', 'b'], 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' });
  const kept = toResult({ statusCode: 200, headers: { 'content-type': 'text/csv' }, body: 'a,b' });
  assert.equal(kept.kind === 'response' && kept.headers['content-type'], 'text/csv');
  const web = toResult(new Response('w', { status: 418, headers: [['set-cookie', 'x=1'], ['set-cookie', 'y=2'], ['x-b', '2']] }));
  assert.equal(web.kind, 'response');
  if (web.kind === 'response') {
    assert.equal(web.status, 418);
    assert.deepEqual(web.headers['set-cookie'], ['x=1', 'y=2']);
    assert.equal(web.headers['x-b'], '2');
  }
  const helper = toResult(response(Buffer.from('b'), { status: 207, headers: { a: 'b' } }));
  assert.equal(helper.kind === 'response' && helper.status, 207);
});

test('sse frames', async () => {
  const r = sse([{ data: { a: 1 }, event: 'e\nvil', id: '7', retry: 1500.7 }, 'multi\r\nline']);
  assert.equal(r.headers['content-type'], 'text/event-stream; charset=utf-8');
  let out = '';
  for await (const c of r.body as AsyncIterable<string>) out += c;
  assert.equal(out, 'event: evil\nid: 7\nretry: 1500\ndata: {"a":1}\n\ndata: multi\ndata: line\n\n');
});

test('HttpError', () => {
  const e = new HttpError(404, 'no such thing', { 'x-why': 'gone' });
  assert.equal(e.statusCode, 404);
  assert.equal(e.message, 'no such thing');
  assert.equal(new HttpError(503).message, 'HTTP 503');
  assert.ok(e instanceof Error);
});

test('cloudEvent helper builds an event the invoker recognises', async () => {
  const { cloudEvent } = await import('./public.js');
  const { isEventLike } = await import('../../invoker/cloudevents/event.js');
  const ev = cloudEvent({ type: 't', source: '/s', data: { a: 1 }, myext: 'x' });
  assert.equal(ev.specversion, '1.0');
  assert.match(ev.id, /^[0-9a-f-]{36}$/);
  assert.equal(ev.myext, 'x');
  assert.equal(isEventLike(ev), true);
  assert.equal(cloudEvent({ type: 't', source: '/s', id: 'fixed' }).id, 'fixed');
});
