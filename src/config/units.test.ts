import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes, parseDuration } from './units.js';

test('parseBytes accepts numbers and binary units', () => {
  const cases: Array<[string | number, number]> = [
    [1, 1], [1048576, 1048576], ['6mb', 6 * 1024 ** 2], ['6MB', 6 * 1024 ** 2], ['512kb', 512 * 1024], ['512 KiB', 512 * 1024],
    ['1g', 1024 ** 3], ['1.5m', 1.5 * 1024 ** 2], ['100', 100], ['100b', 100], [' 2 k ', 2048],
  ];
  for (const [input, want] of cases) assert.equal(parseBytes(input), want, String(input));
});

test('parseBytes rejects bad sizes with the accepted forms', () => {
  for (const bad of [0, -1, 1.5, NaN, '', 'mb', '6 megabytes', '-5mb', '0kb', '6tb', '1e3']) {
    assert.throws(() => parseBytes(bad as string | number), /expected a (positive whole number|size)/, String(bad));
  }
});

test('parseDuration returns seconds', () => {
  const cases: Array<[string | number, number]> = [
    [30, 30], [0.5, 0.5], ['300s', 300], ['5m', 300], ['1500ms', 1.5], ['1h', 3600], ['45', 45], ['2M', 120], [' 10 s ', 10],
  ];
  for (const [input, want] of cases) assert.equal(parseDuration(input), want, String(input));
});

test('parseDuration rejects bad durations', () => {
  for (const bad of [0, -3, Infinity, '', 's', '5 minutes', '-1s', '0s', '1d', 'abc']) {
    assert.throws(() => parseDuration(bad as string | number), /expected a (positive number|duration)/, String(bad));
  }
});
