import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeBody, parseQuery } from './request.js';

test('decodeBody by content type', () => {
  const cases: Array<[string | undefined, Buffer | undefined, unknown]> = [
    ['application/json', Buffer.from('{"a":1}'), { a: 1 }],
    ['application/json; charset=utf-8', Buffer.from('[1]'), [1]],
    ['APPLICATION/JSON', Buffer.from('true'), true],
    ['application/ld+json', Buffer.from('{}'), {}],
    ['text/plain', Buffer.from('x'), 'x'],
    ['text/html; charset=ISO-8859-1', Buffer.from([0xe9]), 'é'],
    ['application/x-www-form-urlencoded', Buffer.from('a=1'), 'a=1'],
    ['application/xml', Buffer.from('<a/>'), '<a/>'],
    ['image/svg+xml', Buffer.from('<svg/>'), '<svg/>'],
    ['application/octet-stream', Buffer.from([1]), Buffer.from([1])],
    [undefined, Buffer.from('?'), Buffer.from('?')],
    ['application/json', Buffer.alloc(0), undefined],
    ['application/json', undefined, undefined],
  ];
  for (const [ct, body, want] of cases) assert.deepEqual(decodeBody(body, ct), want, String(ct));
});

test('malformed JSON is a 400 HttpFailure', () => {
  for (const bad of ['{', 'undefined', "{'a':1}", '[1,]']) {
    assert.throws(() => decodeBody(Buffer.from(bad), 'application/json'), (e: Error & { status?: number; code?: string }) => {
      assert.equal(e.status, 400);
      assert.equal(e.code, 'FN_ERR_BAD_JSON');
      return true;
    });
  }
});

test('parseQuery', () => {
  assert.deepEqual(parseQuery(''), {});
  assert.deepEqual(parseQuery('a=1&b=2&a=3&a=4'), { a: ['1', '3', '4'], b: '2' });
  assert.deepEqual(parseQuery('q=a+b%20c&empty=&flag'), { q: 'a b c', empty: '', flag: '' });
});
