import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorAnswer, HttpFailure } from './errors.js';

test('error answers', () => {
  const secret = new Error('db password=hunter2');
  const prod = errorAnswer(secret, 'r1', false);
  assert.equal(prod.status, 500);
  assert.deepEqual(JSON.parse(prod.body), { requestId: 'r1', error: 'Internal Server Error' });
  const dev = JSON.parse(errorAnswer(secret, 'r1', true).body);
  assert.equal(dev.message, 'db password=hunter2');
  assert.ok(Array.isArray(dev.stack));
  const cases: Array<[unknown, number, string]> = [
    [Object.assign(new Error('gone'), { statusCode: 410 }), 410, 'gone'],
    [Object.assign(new Error('busy'), { status: 503 }), 503, 'busy'],
    [Object.assign(new Error('odd'), { statusCode: 200 }), 500, 'Internal Server Error'],
    [Object.assign(new Error('odd'), { statusCode: '404' }), 500, 'Internal Server Error'],
    [{ statusCode: 404, message: 'not an Error' }, 404, 'not an Error'],
    ['string', 500, 'Internal Server Error'],
    [undefined, 500, 'Internal Server Error'],
    [new HttpFailure(413, 'FN_ERR_X', 'too big', { hint: 'smaller' }), 413, 'too big'],
  ];
  for (const [err, status, msg] of cases) {
    const a = errorAnswer(err, 'r2', false);
    assert.equal(a.status, status, String(err));
    assert.equal(JSON.parse(a.body).error, msg);
    assert.equal(a.headers['content-type'], 'application/json; charset=utf-8');
  }
  const h = errorAnswer(Object.assign(new Error('slow down'), { statusCode: 429, headers: { 'Retry-After': 5 } }), 'r', false);
  assert.equal(h.headers['retry-after'], '5');
  assert.equal(JSON.parse(errorAnswer(new HttpFailure(400, 'C', 'm', { hint: 'do x' }), 'r', false).body).hint, 'do x');
});
