// CloudEvents over real HTTP: binary, structured (any charset spelling) and batch in; the official
// conformance scenarios; invalid events get 400 naming the attribute; replies in the request's mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parseAllDocuments } from 'yaml';
import { start, send, type Served } from './helpers.js';

const CONF = '/work/shared/specs/cloudevents-conformance';
let s: Served;
let structured: Served;
before(async () => {
  [s, structured] = await Promise.all([
    start('kitchen.ts', { env: { FN_CE_REPLY_TYPE: 'com.example.kitchen.reply', FN_CE_REPLY_SOURCE: '/kitchen' } }),
    start('kitchen.ts', { env: { FN_CE_REPLY_MODE: 'structured' } }),
  ]);
});
after(async () => { await Promise.all([s.stop(), structured.stop()]); });

const base = { 'ce-specversion': '1.0', 'ce-id': 'evt-1', 'ce-source': '/test/source', 'ce-type': 'com.example.test' };

/** Sends raw HTTP/1.1 text (as the conformance feature writes it) and returns the response text. */
function rawHttp(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.write(text));
    let out = '';
    sock.on('data', (d) => { out += d; });
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
  });
}

test('conformance feature: binary and structured scenarios parse to the listed attributes', async () => {
  const feature = readFileSync(`${CONF}/features/http-protocol-binding.feature`, 'utf8');
  const scenarios = [...feature.matchAll(/Scenario Outline:[^\n]*\n([\s\S]*?)Examples:\n([\s\S]*?)(?=\n\s*\n|\n\s*Scenario|$)/g)];
  assert.equal(scenarios.length, 2);
  let checked = 0;
  for (const [, body, examples] of scenarios) {
    const request = /"""\n([\s\S]*?)\n\s*"""/.exec(body!)![1]!.split('\n').map((l) => l.replace(/^ {8}/, '')).join('\n');
    const attrs = [...body!.matchAll(/^\s*\|\s*(\w+)\s*\|\s*([^|]+?)\s*\|\s*$/gm)].filter((m) => m[1] !== 'key').map((m) => [m[1]!, m[2]!] as const);
    const data = JSON.parse(/the data is equal to the following JSON:\n\s*"""\n([\s\S]*?)\n\s*"""/.exec(body!)![1]!);
    const cts = [...examples!.matchAll(/^\s*\|\s*([^|]+?)\s*\|\s*$/gm)].map((m) => m[1]!).filter((c) => c !== 'contentType');
    for (const ct of cts) {
      const [head, payload] = request.replace('<contentType>', ct).replace('POST /someresource', 'POST /event-attrs').split('\n\n');
      const headers = head!.split('\n').filter((l) => !/^Content-Length/i.test(l)).join('\r\n');
      const bodyBytes = Buffer.from(payload!.trimEnd() + '\n');
      const res = await rawHttp(s.port, `${headers}\r\nContent-Length: ${bodyBytes.length}\r\nConnection: close\r\n\r\n${bodyBytes}`);
      assert.match(res, /^HTTP\/1\.1 200/, res);
      const reply = JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4));
      const json = reply.attrs ?? reply.data.attrs;
      for (const [k, v] of attrs) {
        const want = v === '<contentType>' ? ct : v;
        assert.equal(json[k], want, `${ct} ${k}`);
      }
      assert.deepEqual(json.data, data);
      checked++;
    }
  }
  assert.equal(checked, 4);
});

test('conformance yaml: each event in its mode, extensions included, no invented time', async () => {
  const docs = [
    ...parseAllDocuments(readFileSync(`${CONF}/yaml/v1.yaml`, 'utf8'), { schema: 'failsafe' }),
    ...parseAllDocuments(readFileSync(`${CONF}/yaml/v1.0/v1_minimum.yaml`, 'utf8'), { schema: 'failsafe' }),
  ].map((d) => d.toJS());
  assert.ok(docs.length >= 3);
  let checked = 0;
  for (const d of docs) {
    const { Extensions = {}, ...attrs } = d.ContextAttributes;
    const all: Record<string, string> = { ...attrs, ...Extensions };
    const data = d.Data === undefined ? undefined : String(d.Data);
    const isJson = !all.datacontenttype || /json/i.test(all.datacontenttype);
    const expected = data === undefined ? undefined : isJson ? JSON.parse(data) : data;
    // Documents without a Mode are events: check them in both modes.
    for (const mode of d.Mode ? [d.Mode] : ['binary', 'structured']) {
      let r;
      if (mode === 'binary') {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(all)) if (k !== 'datacontenttype') headers[`ce-${k}`] = encodeURIComponent(v).replace(/%2F/g, '/').replace(/%3A/g, ':');
        headers['content-type'] = all.datacontenttype ?? 'application/json';
        r = await send(s.url, { method: 'POST', path: '/event-attrs', headers, body: data });
      } else {
        const ev: Record<string, unknown> = { ...all };
        if (data !== undefined) ev.data = expected;
        r = await send(s.url, { method: 'POST', path: '/event-attrs', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ev) });
      }
      assert.equal(r.status, 200, r.text);
      // A structured request gets a structured reply event around the handler's value.
      const got = mode === 'binary' ? r.json().attrs : r.json().data.attrs;
      for (const [k, v] of Object.entries(all)) if (k !== 'datacontenttype' || mode === 'structured') assert.equal(got[k], v, `${mode} ${k}`);
      if (!('time' in all)) assert.equal(got.time, undefined, 'time must not be invented');
      if (data !== undefined) assert.deepEqual(got.data, expected);
      checked++;
    }
  }
  assert.ok(checked >= 10, String(checked));
});

test('binary mode: percent-decoding, quoted strings, data by content type, reply event', async () => {
  const r = await send(s.url, {
    method: 'POST', path: '/event-attrs',
    headers: { ...base, 'ce-subject': 'Euro%20%e2%82%ac%20%F0%9F%98%80', 'ce-myext': '"quoted \\"value\\""', 'ce-plain': '%41bc', 'content-type': 'text/plain; charset=utf-8' },
    body: 'hello',
  });
  assert.equal(r.status, 200, r.text);
  const a = r.json().attrs;
  assert.equal(a.subject, 'Euro € 😀');
  assert.equal(a.myext, 'quoted "value"');
  assert.equal(a.plain, 'Abc');
  assert.equal(a.data, 'hello');
  assert.equal(a.dataType, 'string');
  assert.equal(a.time, undefined);
  // The plain value came back as a reply event, binary like the request, typed as configured.
  assert.equal(r.headers['ce-type'], 'com.example.kitchen.reply');
  assert.equal(r.headers['ce-source'], '/kitchen');
  assert.equal(r.headers['ce-specversion'], '1.0');
  assert.ok(r.headers['ce-id']);
  // Bytes and JSON scalars (SDK faults 3 and 6).
  const bytes = await send(s.url, { method: 'POST', path: '/event-attrs', headers: { ...base, 'content-type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 250]) });
  assert.equal(bytes.json().attrs.dataType, 'bytes');
  assert.equal(bytes.json().attrs.data, Buffer.from([0, 1, 2, 250]).toString('base64'));
  for (const [text, value] of [['123', 123], ['true', true], ['null', null], ['"s"', 's']] as const) {
    const j = await send(s.url, { method: 'POST', path: '/event-attrs', headers: { ...base, 'content-type': 'application/json' }, body: text });
    assert.deepEqual(j.json().attrs.data, value, text);
  }
  // No Content-Type: no datacontenttype, and no JSON inferred (json-format D234).
  const none = await send(s.url, { method: 'POST', path: '/event-attrs', headers: base, body: '{"a":1}' });
  assert.equal(none.json().attrs.datacontenttype, undefined);
  assert.equal(none.json().attrs.dataType, 'bytes');
  // Go-canonical header names as Knative's dispatcher sends them.
  const go = await send(s.url, { method: 'POST', path: '/event-attrs', headers: { 'Ce-Id': '1', 'Ce-Specversion': '1.0', 'Ce-Source': '/s', 'Ce-Type': 't', 'Ce-Knativearrivaltime': '2021-11-17T22:48:50.315578709Z' } });
  assert.equal(go.json().attrs.knativearrivaltime, '2021-11-17T22:48:50.315578709Z');
});

test('structured mode: any charset spelling, data_base64 to bytes, null attributes unset', async () => {
  for (const ct of ['application/cloudevents+json', 'application/cloudevents+json; charset=UTF-8', 'Application/CloudEvents+JSON;charset="utf-8"']) {
    const r = await send(s.url, {
      method: 'POST', path: '/event-attrs', headers: { 'content-type': ct },
      body: JSON.stringify({ specversion: '1.0', id: 's1', source: '/s', type: 't', subject: null, data_base64: Buffer.from([1, 2, 3]).toString('base64') }),
    });
    assert.equal(r.status, 200, `${ct}: ${r.text}`);
    const a = r.json().data.attrs;
    assert.equal(a.dataType, 'bytes');
    assert.equal(a.data, 'AQID');
    assert.equal('subject' in a, false);
    // Replied in structured mode, like the request.
    assert.match(String(r.headers['content-type']), /^application\/cloudevents\+json/);
  }
  // toString/toJSON of an inbound event keeps bytes as data_base64 and adds no time.
  const j = await send(s.url, { method: 'POST', path: '/event-json', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: 'x', source: '/s', type: 't', data_base64: 'AQID' }) });
  const ev = JSON.parse(j.json().data);
  assert.deepEqual(ev, { specversion: '1.0', id: 'x', source: '/s', type: 't', data_base64: 'AQID' });
});

test('batch mode: list of events in, batch reply out; empty batch is valid', async () => {
  const events = [
    { specversion: '1.0', id: 'b1', source: '/s', type: 't', data: { n: 1 } },
    { specversion: '1.0', id: 'b2', source: '/s', type: 't', datacontenttype: 'text/plain', data: 'two' },
  ];
  const r = await send(s.url, { method: 'POST', path: '/echo', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events) });
  assert.equal(r.status, 200, r.text);
  assert.match(String(r.headers['content-type']), /^application\/cloudevents-batch\+json/);
  const reply = r.json();
  assert.equal(reply.length, 1);
  assert.deepEqual(reply[0].data.body, [{ n: 1 }, 'two']);
  const empty = await send(s.url, { method: 'POST', path: '/event-attrs', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: '[]' });
  assert.equal(empty.status, 200);
});

test('invalid events: 400 naming the attribute', async () => {
  const cases: Array<[Record<string, string>, string | undefined, RegExp]> = [
    [{ 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' }, undefined, /"specversion"/],
    [{ ...base, 'ce-specversion': '0.3' }, undefined, /specversion "0.3"/],
    [{ ...base, 'ce-specversion': '2.0' }, undefined, /specversion "2.0"/],
    [{ 'ce-specversion': '1.0', 'ce-source': '/s', 'ce-type': 't' }, undefined, /"id"/],
    [{ 'ce-specversion': '1.0', 'ce-id': '1', 'ce-type': 't' }, undefined, /"source"/],
    [{ 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s' }, undefined, /"type"/],
    [{ ...base, 'ce-id': '' }, undefined, /"id"/],
    [{ ...base, 'ce-time': 'yesterday' }, undefined, /"time"/],
    [{ ...base, 'ce-dataschema': 'not a uri' }, undefined, /"dataschema"/],
    [{ ...base, 'ce-datacontenttype': 'application/json' }, undefined, /ce-datacontenttype/],
    [{ ...base, 'ce-subject': 'bad%C0%A0utf8' }, undefined, /UTF-8/],
    [{ ...base, 'ce-subject': 'bad%zzhex' }, undefined, /percent-encoded/],
    [{ ...base, 'ce-Bad_Name': 'x' }, undefined, /lower-case/],
    [{ ...base, 'content-type': 'application/json' }, '{"a":', /not valid JSON/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s"}', /"type"/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"id":"1","source":"/s","type":"t"}', /"specversion"/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s","type":"t","data":1,"data_base64":"AQ=="}', /mutually exclusive/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":1,"source":"/s","type":"t"}', /"id"/],
    [{ 'content-type': 'application/cloudevents+json' }, '{"specversion":"1.0","id":"1","source":"/s","type":"t","ext":{"nested":1}}', /"ext"/],
    [{ 'content-type': 'application/cloudevents+json' }, '[1]', /JSON object/],
    [{ 'content-type': 'application/cloudevents+json' }, 'not json', /not valid JSON/],
    [{ 'content-type': 'application/cloudevents-batch+json' }, '{"specversion":"1.0"}', /JSON array/],
    [{ 'content-type': 'application/cloudevents-batch+json' }, '[{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0","id":"2","source":"/s"}]', /event 1 of the batch.*"type"/],
  ];
  for (const [headers, body, re] of cases) {
    const r = await send(s.url, { method: 'POST', path: '/event-attrs', headers, body });
    assert.equal(r.status, 400, `${JSON.stringify(headers)} ${body}: ${r.text}`);
    const j = r.json();
    assert.match(j.error, re, JSON.stringify(headers));
    assert.ok(j.requestId);
  }
  const avro = await send(s.url, { method: 'POST', headers: { 'content-type': 'application/cloudevents+avro' }, body: 'x' });
  assert.equal(avro.status, 415);
});

test('lenient header decoding keeps raw values when asked (sdk-go interop)', async () => {
  const lenient = await start('kitchen.ts', { env: { FN_CE_LENIENT_HEADERS: '1' } });
  try {
    const r = await send(lenient.url, { method: 'POST', path: '/event-attrs', headers: { ...base, 'ce-subject': '100%zz' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().attrs.subject, '100%zz');
  } finally { await lenient.stop(); }
});

test('replies: returned event in the request mode, percent-encoded; nothing → 202 empty; configured mode', async () => {
  const b = await send(s.url, { method: 'POST', path: '/event', headers: { ...base, 'content-type': 'application/json' }, body: '{"q":1}' });
  assert.equal(b.status, 200);
  assert.equal(b.headers['ce-id'], 'reply-1');
  assert.equal(b.headers['ce-type'], 'com.example.reply');
  assert.equal(b.headers['ce-ext'], 'Euro%20%E2%82%AC%20%F0%9F%98%80');
  assert.match(String(b.headers['content-type']), /^application\/json/);
  assert.equal(b.headers['ce-datacontenttype'], undefined);
  assert.deepEqual(b.json(), { from: 'kitchen', got: { q: 1 } });
  const st = await send(s.url, { method: 'POST', path: '/event', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: '1', source: '/s', type: 't', data: 5 }) });
  assert.match(String(st.headers['content-type']), /^application\/cloudevents\+json/);
  assert.equal(st.json().ext, 'Euro € 😀');
  assert.deepEqual(st.json().data, { from: 'kitchen', got: 5 });
  const none = await send(s.url, { method: 'POST', path: '/none', headers: base });
  assert.equal(none.status, 202);
  assert.equal(none.body.length, 0);
  assert.equal(none.headers['content-type'], undefined);
  // FN_CE_REPLY_MODE=structured answers a binary request with a structured event.
  const c = await send(structured.url, { method: 'POST', path: '/text', headers: base });
  assert.match(String(c.headers['content-type']), /^application\/cloudevents\+json/);
  const ev = c.json();
  assert.equal(ev.data, 'hello text');
  assert.equal(ev.datacontenttype, 'text/plain; charset=utf-8');
  // An event returned to a plain HTTP request still goes out as an event.
  const h = await send(s.url, { path: '/event' });
  assert.equal(h.headers['ce-id'], 'reply-1');
  // Errors on event requests are JSON errors, never a reply event.
  const e = await send(s.url, { method: 'POST', path: '/throw', headers: base });
  assert.equal(e.status, 500);
  assert.equal(e.headers['ce-id'], undefined);
});

test('webhook abuse-protection handshake', async () => {
  const r = await send(s.url, { method: 'OPTIONS', headers: { 'webhook-request-origin': 'eventemitter.example.com', 'webhook-request-rate': '120' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['webhook-allowed-origin'], '*');
  assert.equal(r.headers['webhook-allowed-rate'], '*');
  assert.match(String(r.headers.allow), /POST/);
  // Without the header, OPTIONS is the user's.
  const u = await send(s.url, { method: 'OPTIONS', path: '/x' });
  assert.deepEqual(u.json(), { hello: 'world', path: '/x' });
});
