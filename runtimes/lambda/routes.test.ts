import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchRoute, parseRoute, parseRoutes } from './routes.js';

test('route templates parse into segments and a routeKey', () => {
  const r = parseRoute('GET /pets/{petId}/toys/{proxy+}');
  assert.equal(r.key, 'GET /pets/{petId}/toys/{proxy+}');
  assert.deepEqual(r.segments, [
    { kind: 'literal', value: 'pets' },
    { kind: 'param', name: 'petId' },
    { kind: 'literal', value: 'toys' },
    { kind: 'greedy', name: 'proxy' },
  ]);
  assert.deepEqual(parseRoute('ANY /').segments, []);
});

test('bad route templates are refused with a reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['/pets', /must be "METHOD \/path"/],
    ['FETCH /pets', /METHOD one of ANY, GET/],
    ['get /pets', /must be "METHOD \/path"/],
    ['GET pets', /must be "METHOD \/path"/],
    ['GET /pets//x', /empty path segment/],
    ['GET /pets/{id', /whole \{name\}/],
    ['GET /pets/x{id}', /whole \{name\}/],
    ['GET /{proxy+}/more', /must be the last segment/],
    ['GET /{a}/{a}', /twice/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseRoute(text), re, text);
  assert.throws(() => parseRoutes(['GET /a/{x}', 'GET /a/{y}']), /match the same requests/);
});

test('matching: literal beats param beats greedy, exact method beats ANY', () => {
  const routes = parseRoutes([
    'ANY /{proxy+}',
    'GET /pets/{petId}',
    'GET /pets/mine',
    'ANY /pets/{petId}',
    'POST /pets',
    'GET /',
    'GET /files/{path+}',
  ]);
  const cases: Array<[string, string, string | undefined, Record<string, string> | undefined]> = [
    ['GET', '/pets/42', 'GET /pets/{petId}', { petId: '42' }],
    ['DELETE', '/pets/42', 'ANY /pets/{petId}', { petId: '42' }],
    ['GET', '/pets/mine', 'GET /pets/mine', {}],
    ['POST', '/pets', 'POST /pets', {}],
    ['GET', '/pets', 'ANY /{proxy+}', { proxy: 'pets' }],
    ['GET', '/', 'GET /', {}],
    ['POST', '/', undefined, undefined],
    ['GET', '/a/b/c', 'ANY /{proxy+}', { proxy: 'a/b/c' }],
    ['GET', '/files/dir/a%20b.txt', 'GET /files/{path+}', { path: 'dir/a b.txt' }],
    // pathParameters are URL-decoded (%40 -> @, %3A -> :), a bad escape stays as sent
    ['GET', '/pets/a%40b%3Ac', 'GET /pets/{petId}', { petId: 'a@b:c' }],
    ['GET', '/pets/%E0%A4%A', 'GET /pets/{petId}', { petId: '%E0%A4%A' }],
  ];
  for (const [method, path, key, params] of cases) {
    const m = matchRoute(routes, method, path);
    assert.equal(m?.route.key, key, `${method} ${path}`);
    assert.deepEqual(m?.params, params, `${method} ${path}`);
  }
});

test('no match without a catch-all; greedy needs at least one segment', () => {
  const routes = parseRoutes(['GET /pets/{petId}', 'GET /files/{proxy+}']);
  assert.equal(matchRoute(routes, 'GET', '/pets'), undefined);
  assert.equal(matchRoute(routes, 'GET', '/pets/1/2'), undefined);
  assert.equal(matchRoute(routes, 'GET', '/pets/'), undefined);
  assert.equal(matchRoute(routes, 'GET', '/files'), undefined);
  assert.equal(matchRoute(routes, 'GET', '/files/'), undefined);
  assert.equal(matchRoute(routes, 'POST', '/pets/1'), undefined);
});
