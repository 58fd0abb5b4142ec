import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { writeTar, normalizeTarPath, type TarEntry } from './tar.js';
import { makeLayer, deterministicGzip } from './layer.js';

/** A minimal tar reader, enough to check what writeTar wrote (ustar + pax path records). */
function readTar(buf: Buffer) {
  const out: { path: string; type: string; mode: number; uid: number; gid: number; mtime: number; uname: string; data: Buffer; linkname: string }[] = [];
  let off = 0;
  let paxPath: string | undefined;
  while (off + 512 <= buf.length) {
    const h = buf.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const str = (o: number, n: number) => h.subarray(o, o + n).toString('utf8').replace(/\0.*$/s, '');
    const num = (o: number, n: number) => parseInt(str(o, n).trim() || '0', 8);
    const stored = num(148, 8);
    const copy = Buffer.from(h);
    copy.write('        ', 148, 8, 'ascii');
    assert.equal(copy.reduce((a, b) => a + b, 0), stored, 'checksum');
    const size = num(124, 12);
    const type = str(156, 1);
    const data = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      paxPath = /\d+ path=(.*)\n/.exec(data.toString())?.[1];
      continue;
    }
    const prefix = str(345, 155);
    const path = paxPath ?? (prefix ? prefix + '/' + str(0, 100) : str(0, 100));
    paxPath = undefined;
    out.push({ path, type, mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: num(136, 12), uname: str(265, 32), data: Buffer.from(data), linkname: str(157, 100) });
  }
  return out;
}

const base: TarEntry[] = [
  { path: 'app/main.mjs', type: 'file', data: Buffer.from('console.log(1)') },
  { path: 'app/main.mjs.map', type: 'file', data: Buffer.from('{}') },
];

test('entries come out sorted, with parent folders, fixed owner, mode and mtime', () => {
  const entries = readTar(writeTar([...base].reverse(), 0));
  assert.deepEqual(entries.map((e) => e.path), ['app/', 'app/main.mjs', 'app/main.mjs.map']);
  for (const e of entries) {
    assert.equal(e.uid, 0);
    assert.equal(e.gid, 0);
    assert.equal(e.uname, '');
    assert.equal(e.mtime, 0);
  }
  assert.equal(entries[0]!.mode, 0o755);
  assert.equal(entries[1]!.mode, 0o644);
  assert.equal(entries[1]!.data.toString(), 'console.log(1)');
});

test('mtime comes from the caller (SOURCE_DATE_EPOCH)', () => {
  const entries = readTar(writeTar(base, 1_700_000_000));
  assert.ok(entries.every((e) => e.mtime === 1_700_000_000));
});

test('input order does not change the bytes', () => {
  assert.deepEqual(writeTar(base, 0), writeTar([...base].reverse(), 0));
});

const longCases: [string, string][] = [
  ['fits the 100-byte name field', 'a/' + 'x'.repeat(90)],
  ['needs the ustar prefix', 'd'.repeat(120) + '/' + 'f'.repeat(90)],
  ['needs a pax path record', 'app/' + 'y'.repeat(300)],
  ['utf-8 name', 'app/é-ü-' + 'z'.repeat(40)],
];
for (const [name, path] of longCases) {
  test(`long paths round-trip: ${name}`, () => {
    const entries = readTar(writeTar([{ path, type: 'file', data: Buffer.from('x') }], 0));
    assert.equal(entries.at(-1)!.path, path);
    assert.equal(entries.at(-1)!.data.toString(), 'x');
  });
}

test('symlinks and executable modes are kept', () => {
  const entries = readTar(writeTar([
    { path: 'bin/run', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh') },
    { path: 'bin/alias', type: 'symlink', linkname: 'run' },
  ], 0));
  const link = entries.find((e) => e.path === 'bin/alias')!;
  assert.equal(link.type, '2');
  assert.equal(link.linkname, 'run');
  assert.equal(entries.find((e) => e.path === 'bin/run')!.mode, 0o755);
});

const badPaths = ['', '/', '../etc/passwd', 'app/../../x', 'a/./b'];
for (const p of badPaths) {
  test(`bad layer path is refused: ${JSON.stringify(p)}`, () => {
    assert.throws(() => normalizeTarPath(p), { code: 'FN_ERR_LAYER_PATH' });
  });
}

test('leading ./ and / are stripped', () => {
  assert.equal(normalizeTarPath('./app/x'), 'app/x');
  assert.equal(normalizeTarPath('/app//x/'), 'app/x');
});

test('a duplicate path or a file used as a folder is an error', () => {
  assert.throws(() => writeTar([base[0]!, base[0]!], 0), { code: 'FN_ERR_LAYER_PATH', message: /same image path "app\/main.mjs"/ });
  assert.throws(() => writeTar([{ path: 'app', type: 'file' }, base[0]!], 0), { code: 'FN_ERR_LAYER_PATH', message: /both a file and the folder/ });
});

test('gzip is deterministic: no mtime, OS byte pinned, same bytes twice', () => {
  const a = deterministicGzip(Buffer.from('hello'));
  assert.equal(a.readUInt32LE(4), 0);
  assert.equal(a[9], 255);
  assert.equal((a[3]! & 0x08), 0, 'no FNAME flag');
  assert.deepEqual(a, deterministicGzip(Buffer.from('hello')));
  assert.equal(gunzipSync(a).toString(), 'hello');
});

test('layer digests: same files same digest, one character changed gives another', () => {
  const a = makeLayer(base, 0, 'fn');
  const b = makeLayer([...base].reverse(), 0, 'fn');
  assert.equal(a.digest, b.digest);
  assert.equal(a.diffId, b.diffId);
  assert.notEqual(a.digest, a.diffId);
  const c = makeLayer([{ ...base[0]!, data: Buffer.from('console.log(2)') }, base[1]!], 0, 'fn');
  assert.notEqual(c.digest, a.digest);
  assert.notEqual(makeLayer(base, 1, 'fn').digest, a.digest, 'mtime is part of the content');
  assert.match(a.digest, /^sha256:[0-9a-f]{64}$/);
  assert.equal(a.size, a.blob.length);
});
