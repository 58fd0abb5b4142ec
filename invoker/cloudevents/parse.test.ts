import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudEvent } from 'cloudevents';
import { parseCloudEvent, detectMode, fromJsonFormat } from './parse.js';
import { looksLikeCloudEvent } from './detect.js';
import { ValidSources } from './valid-sources.js';

const base = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' };

test('mode detection, batch first, case-insensitive', () => {
  const cases: Array<[string | undefined, string]> = [
    ['application/cloudevents-batch+json', 'batch'],
    ['Application/CloudEvents-Batch+JSON; charset=utf-8', 'batch'],
    ['application/cloudevents+json', 'structured'],
    ['APPLICATION/CLOUDEVENTS+JSON', 'structured'],
    ['application/cloudevents+avro', 'structured'],
    ['application/json', 'binary'],
    [undefined, 'binary'],
  ];
  for (const [ct, mode] of cases) assert.equal(detectMode(ct), mode, ct);
});

test('looksLikeCloudEvent', () => {
  assert.equal(looksLikeCloudEvent({ 'content-type': 'application/json' }), false);
  assert.equal(looksLikeCloudEvent({}), false);
  assert.equal(looksLikeCloudEvent({ 'ce-id': 'x' }), true);
  assert.equal(looksLikeCloudEvent({ 'content-type': 'Application/CloudEvents+json' }), true);
});

test('binary: SDK instance, no time, data by content type', () => {
  const cases: Array<[string | undefined, Buffer | undefined, unknown]> = [
    ['application/json', Buffer.from('{"a":1}'), { a: 1 }],
    ['application/json', Buffer.from('5'), 5],
    ['application/json', Buffer.from('null'), null],
    ['text/plain', Buffer.from('hi'), 'hi'],
    ['application/octet-stream', Buffer.from([1, 2]), new Uint8Array([1, 2])],
    [undefined, Buffer.from('{"a":1}'), new Uint8Array(Buffer.from('{"a":1}'))],
    ['application/json', undefined, undefined],
  ];
  for (const [ct, body, data] of cases) {
    const headers: Record<string, string> = { ...base };
    if (ct) headers['content-type'] = ct;
    const { mode, event } = parseCloudEvent(headers, body);
    assert.equal(mode, 'binary');
    assert.ok(event instanceof CloudEvent);
    const ev = event as CloudEvent<unknown>;
    assert.equal(ev.time, undefined);
    assert.equal(ev.datacontenttype, ct);
    assert.deepEqual(ev.data, data, String(ct));
    assert.ok(Object.isFrozen(ev));
    assert.equal(ev.validate(), true);
  }
});

test('JSON format: null attributes unset, data null kept, data_base64 bytes, toJSON round trip', () => {
  const ev = fromJsonFormat({ specversion: '1.0', id: '1', source: '/s', type: 't', subject: null, data: null, myext: 5, flag: true }, '');
  assert.equal('subject' in ev, false);
  assert.equal(ev.data, null);
  assert.equal((ev as unknown as Record<string, unknown>).myext, 5);
  assert.deepEqual(JSON.parse(ev.toString()), { specversion: '1.0', id: '1', source: '/s', type: 't', data: null, myext: 5, flag: true });
  const b = fromJsonFormat({ specversion: '1.0', id: '1', source: '/s', type: 't', data_base64: 'AAEC/w==' }, '');
  assert.ok(b.data instanceof Uint8Array && !(b.data instanceof Uint32Array));
  assert.deepEqual([...(b.data as Uint8Array)], [0, 1, 2, 255]);
  assert.deepEqual(JSON.parse(JSON.stringify(b)), { specversion: '1.0', id: '1', source: '/s', type: 't', data_base64: 'AAEC/w==' });
});

test('invalid events name the attribute, status 400 (415 for unknown formats)', () => {
  const cases: Array<[Record<string, string>, string | undefined, number, RegExp]> = [
    [{ ...base, 'ce-specversion': '0.3' }, undefined, 400, /specversion/],
    [{ 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' }, undefined, 400, /"specversion"/],
    [{ ...base, 'ce-time': '2020-13-45' }, undefined, 400, /"time"/],
    [{ ...base, 'ce-datacontenttype': 'text/plain' }, undefined, 400, /ce-datacontenttype/],
    [{ 'content-type': 'application/cloudevents+xml' }, '<e/>', 415, /unsupported CloudEvents format/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"***"}', 400, /data_base64/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s","type":"t","Bad":"x"}', 400, /"Bad"/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s","type":"t","n":1.5}', 400, /"n"/],
  ];
  for (const [headers, body, status, re] of cases) {
    assert.throws(() => parseCloudEvent(headers, body === undefined ? undefined : Buffer.from(body)), (e: Error & { status?: number }) => {
      assert.equal(e.status, status, e.message);
      assert.match(e.message, re);
      return true;
    }, JSON.stringify(headers));
  }
});

test('lenient header mode keeps undecodable values', () => {
  const { event } = parseCloudEvent({ ...base, 'ce-subject': '50%off' }, undefined, true);
  assert.equal((event as CloudEvent<unknown>).subject, '50%off');
  assert.throws(() => parseCloudEvent({ ...base, 'ce-subject': '50%off' }, undefined, false), /percent/);
});

test('a known source skips the schema check only for plain events; the verdict stays the same', () => {
  const known = new ValidSources(2);
  const ok = { ...base, 'content-type': 'application/json' };
  parseCloudEvent(ok, Buffer.from('{}'), false, known);
  assert.equal(known.has('/s'), true, 'an accepted plain event records its source');
  // Still checked: attributes with formats of their own, and a source never seen.
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ ...ok, 'ce-time': 'yesterday' }, /"time"/],
    [{ ...ok, 'ce-dataschema': 'not a uri' }, /"dataschema"/],
    [{ ...ok, 'ce-source': 'http://[bad' }, /"source"/],
  ];
  for (const [headers, re] of cases) {
    assert.throws(() => parseCloudEvent(headers, undefined, false, known), (e: Error) => re.test(e.message), JSON.stringify(headers));
  }
  assert.equal(known.has('http://[bad'), false, 'a rejected source is never recorded');
  const withExt = parseCloudEvent({ ...ok, 'ce-source': '/other', 'ce-myext': 'x' }, undefined, false, known);
  assert.equal((withExt.event as CloudEvent<unknown>).source, '/other');
  assert.equal(known.has('/other'), false, 'an event with extensions is not a plain event');
  // Structured events use the same cache; a wrongly typed datacontenttype is never plain.
  assert.throws(() => fromJsonFormat({ specversion: '1.0', id: '1', source: '/s', type: 't', datacontenttype: 5 }, '', known), /datacontenttype/);
  // Bounded: the oldest entries go when the cap is reached.
  known.add('/a'); known.add('/b');
  assert.ok(known.size <= 2);
});
