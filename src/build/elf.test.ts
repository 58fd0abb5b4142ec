import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readBinaryTarget, describeTarget, platformInPath } from './elf.js';

function elf(machine: number, bigEndian = false): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, bigEndian ? 2 : 1, 1], 0);
  if (bigEndian) b.writeUInt16BE(machine, 18);
  else b.writeUInt16LE(machine, 18);
  return b;
}

const cases: [string, Buffer, string | undefined][] = [
  ['x86-64', elf(0x3e), 'linux/amd64'],
  ['aarch64', elf(0xb7), 'linux/arm64'],
  ['arm 32', elf(0x28), 'linux/arm'],
  ['s390x (big endian)', elf(0x16, true), 'linux/s390x'],
  ['ppc64le', elf(0x15), 'linux/ppc64le'],
  ['unknown machine', elf(0x1234), 'linux/machine 0x1234'],
  ['Mach-O arm64', Buffer.from('cffaedfe0c000001000000000000000000000000', 'hex'), 'macOS (arm64)'],
  ['Mach-O x86_64', Buffer.from('cffaedfe07000001000000000000000000000000', 'hex'), 'macOS (amd64)'],
  ['PE (Windows dll)', Buffer.from('4d5a90000300000004000000ffff0000', 'hex'), 'Windows'],
  ['text file', Buffer.from('module.exports = 1;\n'), undefined],
  ['empty', Buffer.alloc(0), undefined],
  ['truncated ELF', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2]), undefined],
];
for (const [name, head, want] of cases) {
  test(`readBinaryTarget: ${name}`, () => {
    const t = readBinaryTarget(head);
    assert.equal(t && describeTarget(t), want);
  });
}

test('the running node binary is read as this machine', () => {
  const head = readFileSync(process.execPath).subarray(0, 64);
  const want = process.arch === 'x64' ? 'amd64' : process.arch;
  assert.deepEqual(readBinaryTarget(head), { os: 'linux', architecture: want });
});

const paths: [string, string | undefined][] = [
  ['node_modules/x/prebuilds/linux-x64/node.napi.node', 'linux/amd64'],
  ['node_modules/x/prebuilds/linux-arm64/node.napi.glibc.node', 'linux/arm64'],
  ['node_modules/x/prebuilds/darwin-arm64/x.node', 'darwin/arm64'],
  ['node_modules/x/prebuilds/win32-ia32/x.node', 'windows/386'],
  ['node_modules/@img/sharp-linux-arm64/lib/sharp.node', 'linux/arm64'],
  ['node_modules/@img/sharp-linuxmusl-x64/lib/sharp.node', 'linux/amd64'],
  ['node_modules/x/build/Release/x.node', undefined],
  ['node_modules/linux-tools/build/x.node', undefined],
];
for (const [p, want] of paths) {
  test(`platformInPath(${p})`, () => {
    const got = platformInPath(p);
    assert.equal(got && `${got.os}/${got.architecture}`, want);
  });
}
