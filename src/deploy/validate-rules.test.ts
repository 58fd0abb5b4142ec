import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  goDurationSeconds, isConfigKey, isDns1035Label, isDns1123Label, isDns1123Subdomain, isQuantity, labelValueProblem,
  qualifiedNameProblem, quantityValue, splitRef, windowSeconds,
} from './validate-rules.js';

test('Kubernetes name syntaxes', () => {
  const rows: Array<[string, boolean, boolean, boolean]> = [
    // value, DNS-1123 label, DNS-1035 label, DNS-1123 subdomain
    ['hello', true, true, true],
    ['hello-world-2', true, true, true],
    ['2hello', true, false, true],
    ['Hello', false, false, false],
    ['hello-', false, false, false],
    ['a.b', false, false, true],
    ['a..b', false, false, false],
    ['a'.repeat(63), true, true, true],
    ['a'.repeat(64), false, false, true],
    ['', false, false, false],
  ];
  for (const [v, l1123, l1035, sub] of rows) {
    assert.equal(isDns1123Label(v), l1123, `1123 label ${v}`);
    assert.equal(isDns1035Label(v), l1035, `1035 label ${v}`);
    assert.equal(isDns1123Subdomain(v), sub, `subdomain ${v}`);
  }
  assert.equal(isDns1123Subdomain('a'.repeat(254)), false);
});

test('label/annotation keys and label values', () => {
  for (const ok of ['team', 'app.kubernetes.io/name', 'example.com/a_b.c', 'A1']) assert.equal(qualifiedNameProblem(ok), undefined, ok);
  for (const bad of ['-x', 'x-', 'a/b/c', 'Example.com/x', '/x', 'x/', 'a'.repeat(64), `${'a'.repeat(254)}/x`, 'has space']) {
    assert.ok(qualifiedNameProblem(bad), bad);
  }
  for (const ok of ['', 'v1', 'a.b-c_d']) assert.equal(labelValueProblem(ok), undefined, ok);
  for (const bad of ['-v', 'v-', 'with space', 'a'.repeat(64), 'é']) assert.ok(labelValueProblem(bad), bad);
});

test('quantities', () => {
  const rows: Array<[string, number | undefined]> = [
    ['500m', 0.5], ['1', 1], ['2.5', 2.5], ['128Mi', 128 * 2 ** 20], ['1Gi', 2 ** 30], ['1G', 1e9], ['1e3', 1000], ['.5', 0.5],
    ['128MB', undefined], ['-1', undefined], ['lots', undefined], ['', undefined], ['1 Gi', undefined],
  ];
  for (const [q, v] of rows) {
    assert.equal(isQuantity(q), v !== undefined, q);
    if (v !== undefined) assert.equal(quantityValue(q), v, q);
  }
});

test('durations: Go durations for annotations, fn.yaml windows', () => {
  const go: Array<[string, number | undefined]> = [['60s', 60], ['1m30s', 90], ['1h', 3600], ['1.5s', 1.5], ['500ms', 0.5], ['60', undefined], ['1d', undefined], ['', undefined]];
  for (const [s, v] of go) assert.equal(goDurationSeconds(s), v, s);
  const win: Array<[string | number, number | undefined]> = [[60, 60], ['60s', 60], ['2m', 120], ['1h', 3600], ['6500ms', 6.5], ['1m30s', 90], ['soon', undefined]];
  for (const [w, v] of win) assert.equal(windowSeconds(w), v, String(w));
});

test('secret/configmap references and keys', () => {
  assert.deepEqual(splitRef('db/password'), { name: 'db', key: 'password' });
  assert.deepEqual(splitRef('db/a/b'), { name: 'db', key: 'a/b' });
  assert.deepEqual(splitRef('db'), { name: 'db', key: '' });
  for (const ok of ['password', 'log.level', 'A_B-c']) assert.ok(isConfigKey(ok), ok);
  for (const bad of ['', '.', '..', 'a/b', 'with space']) assert.ok(!isConfigKey(bad), bad);
});
