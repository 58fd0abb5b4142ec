import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { crc32, decodeMessages, encodeMessage, invokeComplete, payloadChunk } from './eventstream.js';

test('crc32 matches the IEEE check value and zlib', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(Buffer.alloc(0)), 0);
  const z = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
  if (z) for (const s of ['', 'a', 'hello world', 'x'.repeat(1000)]) assert.equal(crc32(Buffer.from(s)), z(Buffer.from(s)), s);
});

test('messages round-trip with their headers, payloads and CRCs; corruption is detected', () => {
  const bytes = Buffer.concat([payloadChunk(Buffer.from('chunk-1')), payloadChunk(Buffer.alloc(0)), invokeComplete({ ErrorCode: 'E', ErrorDetails: 'd' })]);
  const msgs = decodeMessages(bytes);
  assert.deepEqual(msgs.map((m) => m.headers[':event-type']), ['PayloadChunk', 'PayloadChunk', 'InvokeComplete']);
  assert.equal(msgs[0]!.headers[':message-type'], 'event');
  assert.equal(msgs[0]!.payload.toString(), 'chunk-1');
  assert.equal(msgs[1]!.payload.length, 0);
  assert.deepEqual(JSON.parse(msgs[2]!.payload.toString()), { ErrorCode: 'E', ErrorDetails: 'd' });
  // total length = 12 prelude + headers + payload + 4
  const one = encodeMessage({ a: 'b' }, Buffer.from('xy'));
  assert.equal(one.readUInt32BE(0), one.length);
  assert.equal(one.length, 12 + (1 + 1 + 1 + 2 + 1) + 2 + 4);
  const bad = Buffer.from(one);
  bad[bad.length - 5] ^= 0xff;
  assert.throws(() => decodeMessages(bad), /message CRC mismatch/);
  const badPrelude = Buffer.from(one);
  badPrelude[5] ^= 0x01;
  assert.throws(() => decodeMessages(badPrelude), /prelude CRC mismatch/);
});
