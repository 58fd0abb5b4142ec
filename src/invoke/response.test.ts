import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyValue, decodeCeHeader, jsonDocument, replyEvent } from './response.js';

test('decodeCeHeader: one round of percent-decoding, quoted strings unescaped', () => {
  assert.equal(decodeCeHeader('Euro%20%E2%82%AC%20%F0%9F%98%80'), 'Euro € 😀');
  assert.equal(decodeCeHeader('%41bc'), 'Abc');
  assert.equal(decodeCeHeader('"a\\"b"'), 'a"b');
  assert.equal(decodeCeHeader('%2541'), '%41');
  assert.equal(decodeCeHeader('100%'), '100%');
});

test('replyEvent from a binary reply', () => {
  const ev = replyEvent({ status: 200, headers: { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': 't', 'ce-source': '/s%20x', 'content-type': 'application/json' }, body: Buffer.from('{"ok":true}') });
  assert.deepEqual(ev, { specversion: '1.0', id: '1', type: 't', source: '/s x', datacontenttype: 'application/json', data: { ok: true } });
});

test('replyEvent from a structured reply, none from plain HTTP', () => {
  const doc = { specversion: '1.0', id: '2', type: 't', source: '/s', data: 5 };
  assert.deepEqual(replyEvent({ status: 200, headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, body: Buffer.from(JSON.stringify(doc)) }), doc);
  assert.equal(replyEvent({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }), undefined);
  assert.equal(replyEvent({ status: 200, headers: { 'content-type': 'application/cloudevents+json' }, body: Buffer.from('not json') }), undefined);
});

test('bodyValue by content type', () => {
  assert.deepEqual(bodyValue(Buffer.from('{"a":1}'), 'application/json'), { value: { a: 1 }, encoding: 'json' });
  assert.deepEqual(bodyValue(Buffer.from('{bad'), 'application/json'), { value: '{bad', encoding: 'text' });
  assert.deepEqual(bodyValue(Buffer.from('hi'), 'text/plain; charset=utf-8'), { value: 'hi', encoding: 'text' });
  assert.deepEqual(bodyValue(Buffer.from([0xff, 0xfe]), 'application/octet-stream'), { value: '//4=', encoding: 'base64' });
  assert.deepEqual(bodyValue(Buffer.alloc(0), 'application/json'), { value: '', encoding: 'text' });
});

test('jsonDocument carries status, headers, body and event', () => {
  const doc = jsonDocument({ status: 404, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"error":"x"}') }, 'http://h/');
  assert.equal(doc.status, 404);
  assert.deepEqual(doc.body, { error: 'x' });
  assert.equal(doc.event, null);
  assert.equal(doc.url, 'http://h/');
});
