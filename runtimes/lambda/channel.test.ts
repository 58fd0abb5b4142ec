import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkChannel, readPrelude } from './channel.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  let s = '';
  for await (const c of it) s += Buffer.from(c).toString();
  return s;
}

test('chunks arrive in order, before and after the reader waits', async () => {
  const ch = new ChunkChannel();
  ch.push(Buffer.from('a'));
  const p = collect(ch);
  setTimeout(() => {
    ch.push(Buffer.from('b'));
    ch.push(Buffer.from('c'));
    ch.end();
  }, 5);
  assert.equal(await p, 'abc');
});

test('a failure ends the iteration with the error', async () => {
  const ch = new ChunkChannel();
  ch.push(Buffer.from('x'));
  ch.fail(new Error('mid-stream'));
  await assert.rejects(collect(ch), /mid-stream/);
});

test('the prelude is split off even across chunk boundaries', async () => {
  const ch = new ChunkChannel();
  const json = JSON.stringify({ statusCode: 201, headers: { 'x-a': '1' }, cookies: ['a=1'] });
  const all = Buffer.concat([Buffer.from(json), Buffer.alloc(8), Buffer.from('body')]);
  for (let i = 0; i < all.length; i += 3) ch.push(all.subarray(i, i + 3));
  ch.end();
  const { prelude, body } = await readPrelude(ch);
  assert.deepEqual(prelude, { statusCode: 201, headers: { 'x-a': '1' }, cookies: ['a=1'] });
  assert.equal(await collect(body), 'body');
});

test('bad preludes are refused', async () => {
  for (const [bytes, re] of [
    [Buffer.concat([Buffer.from('nope'), Buffer.alloc(8)]), /not JSON/],
    [Buffer.concat([Buffer.from('[1]'), Buffer.alloc(8)]), /must be a JSON object/],
    [Buffer.from('{"statusCode":200}'), /ended before its prelude/],
  ] as const) {
    const ch = new ChunkChannel();
    ch.push(bytes);
    ch.end();
    await assert.rejects(readPrelude(ch), re);
  }
});
