import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonData } from './json-data.js';

test('plain JSON data is recognised; anything JSON would change is not', () => {
  const event = { version: '2.0', headers: { host: 'x' }, cookies: ['a=1'], n: 1.5, ok: false, none: null, nested: [{ a: [] }] };
  assert.equal(isJsonData(event), true);
  assert.deepEqual(JSON.parse(JSON.stringify(event)), event);
  const changed: unknown[] = [
    { a: undefined },
    { a: NaN },
    { a: Infinity },
    { d: new Date(0) },
    { b: Buffer.from('x') },
    { toJSON: () => 1 },
    Object.assign(Object.create({ inherited: 1 }), { own: 1 }),
    { [Symbol('s')]: 1 },
    [1, undefined],
    { f: () => 1 },
    { n: 1n },
    new Map(),
  ];
  for (const v of changed) assert.equal(isJsonData(v), false, String(Object.keys(v as object)));
  // cycles (JSON.stringify throws) and absurd depth take the JSON path
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(isJsonData(cyclic), false);
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  assert.equal(isJsonData(deep), false);
  assert.equal(isJsonData(Object.create(null)), true);
});
