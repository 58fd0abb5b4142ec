import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRequest, encodeCeHeader, guessContentType, parseHeader } from './request.js';
import { isFnkitError } from '../errors.js';

const fixedId = () => 'id-1';

test('parseHeader accepts "Name: value" and "Name:value"', () => {
  const cases: Array<[string, [string, string]]> = [
    ['X-Api-Key: secret', ['x-api-key', 'secret']],
    ['x-a:b', ['x-a', 'b']],
    ['Accept:  text/plain ', ['accept', 'text/plain']],
    ['X-Url: http://a:b/c', ['x-url', 'http://a:b/c']],
    ['X-Empty:', ['x-empty', '']],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseHeader(input), want, input);
});

test('parseHeader rejects bad syntax with a usage error', () => {
  for (const bad of ['novalue', ': v', 'bad name: v', 'a(b): c', '']) {
    assert.throws(() => parseHeader(bad), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_BAD_HEADER' && e.data?.exitCode === 2 && e.message.includes('Name: value'), bad);
  }
});

test('encodeCeHeader follows the binding §3.1.3.2 example', () => {
  assert.equal(encodeCeHeader('Euro € 😀'), 'Euro%20%E2%82%AC%20%F0%9F%98%80');
  assert.equal(encodeCeHeader('a"b%c'), 'a%22b%25c');
  assert.equal(encodeCeHeader('/plain/source-1'), '/plain/source-1');
  assert.equal(encodeCeHeader('tab\there'), 'tab%09here');
});

test('guessContentType', () => {
  assert.equal(guessContentType({ text: '{"a":1}' }), 'application/json');
  assert.equal(guessContentType({ text: '42' }), 'application/json');
  assert.equal(guessContentType({ text: 'hello' }), 'text/plain');
  assert.equal(guessContentType({ fileName: 'x.json' }), 'application/json');
  assert.equal(guessContentType({ fileName: 'x.txt' }), 'text/plain');
  assert.equal(guessContentType({ fileName: 'x.bin' }), 'application/octet-stream');
});

test('plain requests: method, path, headers, body', () => {
  const cases: Array<{ name: string; input: Parameters<typeof buildRequest>[0]; method: string; path: string; ct?: string; body?: string }> = [
    { name: 'no body is GET', input: {}, method: 'GET', path: '/' },
    { name: 'data is POST JSON', input: { data: '{"a":1}' }, method: 'POST', path: '/', ct: 'application/json', body: '{"a":1}' },
    { name: 'text data', input: { data: 'hi' }, method: 'POST', path: '/', ct: 'text/plain', body: 'hi' },
    { name: 'explicit method and path without slash', input: { method: 'put', path: 'orders?id=1', data: 'x' }, method: 'PUT', path: '/orders?id=1', ct: 'text/plain', body: 'x' },
    { name: 'content type flag wins', input: { data: '{}', contentType: 'application/vnd.x+json' }, method: 'POST', path: '/', ct: 'application/vnd.x+json', body: '{}' },
    { name: '-H content-type wins over the guess', input: { data: '{}', headers: ['Content-Type: text/csv'] }, method: 'POST', path: '/', ct: 'text/csv', body: '{}' },
    { name: 'file body', input: { file: { bytes: Buffer.from([1, 2]), name: 'a.bin' } }, method: 'POST', path: '/', ct: 'application/octet-stream', body: '\u0001\u0002' },
  ];
  for (const c of cases) {
    const r = buildRequest(c.input, fixedId);
    assert.equal(r.method, c.method, c.name);
    assert.equal(r.path, c.path, c.name);
    assert.equal(r.headers['content-type'], c.ct, c.name);
    assert.equal(r.body?.toString('utf8'), c.body, c.name);
    assert.equal(r.event, undefined, c.name);
  }
});

test('bad inputs are usage errors', () => {
  const bad: Array<[Parameters<typeof buildRequest>[0], string]> = [
    [{ data: 'a', file: { bytes: Buffer.from('b'), name: 'b' } }, 'FN_ERR_FLAGS'],
    [{ method: 'GE T' }, 'FN_ERR_BAD_METHOD'],
    [{ path: 'http://x/y' }, 'FN_ERR_BAD_PATH'],
    [{ cloudevent: { mode: 'batch' } }, 'FN_ERR_BAD_MODE'],
    [{ cloudevent: { type: '' } }, 'FN_ERR_BAD_EVENT'],
  ];
  for (const [input, code] of bad) {
    assert.throws(() => buildRequest(input, fixedId), (e: unknown) => isFnkitError(e) && e.code === code && e.data?.exitCode === 2, code);
  }
});

test('binary CloudEvent: ce- headers percent-encoded, data as body', () => {
  const r = buildRequest({ data: '{"n":1}', cloudevent: { type: 'com.example.t', source: '/a b' } }, fixedId);
  assert.equal(r.method, 'POST');
  assert.equal(r.headers['ce-specversion'], '1.0');
  assert.equal(r.headers['ce-id'], 'id-1');
  assert.equal(r.headers['ce-type'], 'com.example.t');
  assert.equal(r.headers['ce-source'], '/a%20b');
  assert.equal(r.headers['content-type'], 'application/json');
  assert.equal(r.body?.toString(), '{"n":1}');
  assert.deepEqual(r.event, { specversion: '1.0', id: 'id-1', source: '/a b', type: 'com.example.t', datacontenttype: 'application/json', data: { n: 1 } });
});

test('binary CloudEvent without data has no content-type (binding §3.1.1)', () => {
  const r = buildRequest({ cloudevent: {} }, fixedId);
  assert.equal(r.headers['content-type'], undefined);
  assert.equal(r.body, undefined);
  assert.equal(r.headers['ce-type'], 'dev.fnkit.invoke');
  assert.equal(r.headers['ce-source'], '/fn/invoke');
});

test('structured CloudEvent: JSON data embedded, text as string, bytes as data_base64', () => {
  const json = buildRequest({ data: '{"n":1}', cloudevent: { mode: 'structured' } }, fixedId);
  assert.match(json.headers['content-type']!, /^application\/cloudevents\+json/);
  assert.deepEqual(JSON.parse(json.body!.toString()), { specversion: '1.0', id: 'id-1', source: '/fn/invoke', type: 'dev.fnkit.invoke', datacontenttype: 'application/json', data: { n: 1 } });
  const text = buildRequest({ data: 'hello', cloudevent: { mode: 'structured' } }, fixedId);
  assert.equal(JSON.parse(text.body!.toString()).data, 'hello');
  const bin = buildRequest({ file: { bytes: Buffer.from([0xff, 0]), name: 'x.bin' }, cloudevent: { mode: 'structured' } }, fixedId);
  const doc = JSON.parse(bin.body!.toString());
  assert.equal(doc.data_base64, '/wA=');
  assert.equal(doc.data, undefined);
  assert.throws(() => buildRequest({ data: '{bad', contentType: 'application/json', cloudevent: { mode: 'structured' } }, fixedId), /does not parse/);
});

test('CloudEvent extensions: ce- headers in binary mode, top-level members in structured mode', () => {
  const bin = buildRequest({ cloudevent: { extensions: { tenant: 'a b', priority: '1' } } }, fixedId);
  assert.equal(bin.headers['ce-tenant'], 'a%20b');
  assert.equal(bin.headers['ce-priority'], '1');
  const st = buildRequest({ data: '{}', cloudevent: { mode: 'structured', extensions: { tenant: 'acme' } } }, fixedId);
  assert.equal(JSON.parse(st.body!.toString()).tenant, 'acme');
  for (const bad of ['Tenant', 'with-dash', 'id', 'data', '']) {
    assert.throws(() => buildRequest({ cloudevent: { extensions: { [bad]: 'x' } } }, fixedId), (e: unknown) => isFnkitError(e) && e.code === 'FN_ERR_BAD_EVENT' && e.data?.exitCode === 2, bad);
  }
  assert.throws(() => buildRequest({ cloudevent: { extensions: { tenant: '' } } }, fixedId), /"tenant" cannot be empty/);
});
