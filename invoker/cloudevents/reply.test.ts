import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudEvent } from 'cloudevents';
import { toBinary, toStructured, toBatch, replyEventFor, binaryReplyFor } from './reply.js';

const ev = { specversion: '1.0', id: '1', source: '/s', type: 't' };

test('binary: headers percent-encoded, content-type only with data', () => {
  const none = toBinary({ ...ev, subject: 'a b€' });
  assert.deepEqual(none.headers, { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'ce-subject': 'a%20b%E2%82%AC' });
  assert.equal(none.body, undefined);
  const cases: Array<[Record<string, unknown>, string | undefined, string | Buffer]> = [
    [{ data: { a: 1 } }, 'application/json', '{"a":1}'],
    [{ data: 'str' }, 'application/json', '"str"'],
    [{ datacontenttype: 'text/plain', data: 'str' }, 'text/plain', 'str'],
    [{ datacontenttype: 'application/json', data: 'str' }, 'application/json', '"str"'],
    [{ data: new Uint8Array([1, 2]) }, undefined, Buffer.from([1, 2])],
    [{ datacontenttype: 'image/png', data: new Uint8Array([1]) }, 'image/png', Buffer.from([1])],
    [{ data: null }, 'application/json', 'null'],
  ];
  for (const [extra, ct, body] of cases) {
    const w = toBinary({ ...ev, ...extra });
    assert.equal(w.headers['content-type'], ct, JSON.stringify(extra));
    assert.deepEqual(w.body, body);
    assert.equal(w.headers['ce-datacontenttype'], undefined);
  }
});

test('structured and batch', () => {
  const s = toStructured({ ...ev, data: new Uint8Array([255]) });
  assert.equal(s.headers['content-type'], 'application/cloudevents+json; charset=utf-8');
  assert.deepEqual(JSON.parse(String(s.body)), { ...ev, data_base64: '/w==' });
  const b = toBatch([{ ...ev, data: 1 }, { ...ev, id: '2' }]);
  assert.equal(b.headers['content-type'], 'application/cloudevents-batch+json; charset=utf-8');
  assert.deepEqual(JSON.parse(String(b.body)), [{ ...ev, data: 1 }, { ...ev, id: '2' }]);
  assert.equal(toBatch([]).body, '[]');
});

test('an SDK CloudEvent goes out with its attributes', () => {
  const sdk = new CloudEvent({ id: 'x', source: '/src', type: 'sdk.type', data: { ok: true }, myext: 'v' });
  const w = toBinary(sdk as unknown as Record<string, unknown>);
  assert.equal(w.headers['ce-id'], 'x');
  assert.equal(w.headers['ce-myext'], 'v');
  assert.ok(w.headers['ce-time']);
  assert.equal(w.body, '{"ok":true}');
});

test('reply events around plain values', () => {
  for (const [v, dct] of [['s', 'text/plain; charset=utf-8'], [{ a: 1 }, 'application/json'], [new Uint8Array([1]), 'application/octet-stream'], [0, 'application/json']] as const) {
    const r = replyEventFor(v, 'my.type', '/my/src');
    assert.equal(r.type, 'my.type');
    assert.equal(r.source, '/my/src');
    assert.equal(r.specversion, '1.0');
    assert.match(String(r.id), /^[0-9a-f-]{36}$/);
    assert.equal(r.datacontenttype, dct);
    assert.equal(r.data, v);
  }
});

test('binaryReplyFor is toBinary(replyEventFor(...)) without the intermediate event', () => {
  const values: unknown[] = ['s', 'a "quoted" %text', { a: 1 }, [1, 2], new Uint8Array([1, 2, 3]), 0, null, true];
  for (const v of values) {
    for (const [type, source] of [['my.type', '/my/src'], ['wéird type', 'urn:a b']]) {
      const direct = binaryReplyFor(v, type!, source!);
      const viaEvent = toBinary(replyEventFor(v, type!, source!));
      const strip = (h: Record<string, string>) => { const { 'ce-id': id, 'ce-time': time, ...rest } = h; return { rest, id, time }; };
      const a = strip(direct.headers);
      const b = strip(viaEvent.headers);
      assert.deepEqual(a.rest, b.rest, `headers for ${JSON.stringify(v)}`);
      assert.match(a.id!, /^[0-9a-f-]{36}$/);
      assert.notEqual(a.id, b.id);
      assert.match(a.time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(direct.body, viaEvent.body);
      assert.equal(direct.status, 200);
    }
  }
  // header values are percent-encoded (HTTP binding §3.1.3.2)
  assert.equal(binaryReplyFor(1, 'wéird type', '/s').headers['ce-type'], 'w%C3%A9ird%20type');
});
