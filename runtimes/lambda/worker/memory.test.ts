import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySampler } from './runner.js';

test('Max Memory Used is the largest heap seen, read at most every 100 ms', () => {
  let t = 0;
  let reads = 0;
  const heaps = [10, 30, 20].map((mb) => mb * 1048576);
  const m = memorySampler(() => t, () => heaps[Math.min(reads++, heaps.length - 1)]!);
  assert.equal(m.maxMb(), 10);
  t = 50;
  assert.equal(m.maxMb(), 10, 'not read again within 100 ms');
  assert.equal(reads, 1);
  t = 100;
  assert.equal(m.maxMb(), 30);
  t = 250;
  assert.equal(m.maxMb(), 30, 'a smaller heap later does not lower the maximum');
  assert.equal(reads, 3);
});
