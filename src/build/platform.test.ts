import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlatform, formatPlatform, platformMatches, hostPlatform } from './platform.js';

const good: [string, string][] = [
  ['linux/amd64', 'linux/amd64'],
  ['linux/arm64', 'linux/arm64'],
  ['linux/arm64/v8', 'linux/arm64/v8'],
  ['linux/arm/v7', 'linux/arm/v7'],
  ['linux/x64', 'linux/amd64'],
  ['Linux/AARCH64', 'linux/arm64'],
];
for (const [input, out] of good) {
  test(`parsePlatform(${input}) -> ${out}`, () => assert.equal(formatPlatform(parsePlatform(input)), out));
}

for (const bad of ['', 'linux', 'amd64', 'linux/', 'linux/amd64/v8/x', 'linux/am d64', '/amd64']) {
  test(`parsePlatform refuses ${JSON.stringify(bad)}`, () => {
    assert.throws(() => parsePlatform(bad), { code: 'FN_ERR_PLATFORM', message: /expected os\/arch\[\/variant\]/ });
  });
}

const matches: [string, { os: string; architecture: string; variant?: string } | undefined, boolean][] = [
  ['linux/amd64', { os: 'linux', architecture: 'amd64' }, true],
  ['linux/arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }, true],
  ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }, true],
  ['linux/arm/v7', { os: 'linux', architecture: 'arm', variant: 'v6' }, false],
  ['linux/amd64', { os: 'unknown', architecture: 'unknown' }, false],
  ['linux/amd64', { os: 'windows', architecture: 'amd64' }, false],
  ['linux/amd64', undefined, false],
];
for (const [wanted, cand, expected] of matches) {
  test(`platformMatches(${wanted}, ${JSON.stringify(cand)}) = ${expected}`, () => {
    assert.equal(platformMatches(parsePlatform(wanted), cand), expected);
  });
}

test('hostPlatform maps node arch names', () => {
  assert.deepEqual(hostPlatform('x64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(hostPlatform('arm64'), { os: 'linux', architecture: 'arm64' });
});
