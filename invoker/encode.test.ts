import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { encodeValue, encodeBody, toReadable } from './encode.js';

async function drain(r: Readable): Promise<string> {
  let s = '';
  for await (const c of r) s += Buffer.isBuffer(c) ? c.toString() : String(c);
  return s;
}

test('plain values', () => {
  const cases: Array<[unknown, number, string | undefined, string | undefined]> = [
    [undefined, 204, undefined, undefined],
    [null, 200, 'application/json; charset=utf-8', 'null'],
    ['hi', 200, 'text/plain; charset=utf-8', 'hi'],
    ['', 200, 'text/plain; charset=utf-8', ''],
    [{ a: 1 }, 200, 'application/json; charset=utf-8', '{"a":1}'],
    [[1, 'x'], 200, 'application/json; charset=utf-8', '[1,"x"]'],
    [0, 200, 'application/json; charset=utf-8', '0'],
    [false, 200, 'application/json; charset=utf-8', 'false'],
  ];
  for (const [v, status, ct, body] of cases) {
    const e = encodeValue(v);
    assert.equal(e.status, status, String(v));
    assert.equal(e.headers['content-type'], ct, String(v));
    assert.equal(e.body, body, String(v));
  }
});

test('bytes', () => {
  const b = encodeValue(new Uint8Array([1, 2, 3]).subarray(1));
  assert.equal(b.headers['content-type'], 'application/octet-stream');
  assert.deepEqual([...(b.body as Buffer)], [2, 3]);
  assert.deepEqual([...(encodeBody(new Uint8Array([7]).buffer).body as Buffer)], [7]);
});

test('streams of every kind become Readables of bytes', async () => {
  async function* gen() { yield 'a'; yield new Uint8Array([98]); yield { c: 1 }; }
  assert.equal(await drain(toReadable(gen())!), 'ab{"c":1}');
  const web = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(new TextEncoder().encode('web')); c.close(); } });
  assert.equal(await drain(toReadable(web)!), 'web');
  const node = Readable.from(['n']);
  assert.equal(toReadable(node), node);
  assert.equal(toReadable('not a stream'), undefined);
  assert.equal(toReadable([1, 2]), undefined);
});

test('BigInt cannot be JSON and throws (the invoker answers 500)', () => {
  assert.throws(() => encodeValue({ n: 1n }), TypeError);
});
