// HTTP binding §3.1.3.2 examples and edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaderValue, encodeHeaderValue } from './headers.js';

test('decode', () => {
  const cases: Array<[string, string]> = [
    ['plain', 'plain'],
    ['Euro%20%E2%82%AC%20%F0%9F%98%80', 'Euro € 😀'],
    ['euro%20%e2%82%ac', 'euro €'],
    ['%41%42C', 'ABC'],
    ['"quoted"', 'quoted'],
    ['"with \\"escapes\\" and %25"', 'with "escapes" and %'],
    ['%2541', '%41'],
    ['"', '"'],
    ['', ''],
    [Buffer.from('raw € utf8', 'utf8').toString('latin1'), 'raw € utf8'],
  ];
  for (const [raw, want] of cases) assert.equal(decodeHeaderValue(raw), want, raw);
});

test('decode rejects invalid UTF-8 and bad escapes', () => {
  for (const raw of ['%C0%A0', '%FF', '%E2%82', 'bad%zz', 'trailing%', 'x%4']) assert.throws(() => decodeHeaderValue(raw), Error, raw);
});

test('encode', () => {
  const cases: Array<[string, string]> = [
    ['Euro € 😀', 'Euro%20%E2%82%AC%20%F0%9F%98%80'],
    ['a"b%c', 'a%22b%25c'],
    ['/path:with?query=1&x', '/path:with?query=1&x'],
    ['tab\there\n', 'tab%09here%0A'],
    ['\u007f', '%7F'],
  ];
  for (const [v, want] of cases) {
    assert.equal(encodeHeaderValue(v), want, v);
    assert.equal(decodeHeaderValue(encodeHeaderValue(v)), v);
  }
});
