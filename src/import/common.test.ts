import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapRuntime, toFunctionName, toRoute } from './common.js';

test('mapRuntime: supported, retired Node mapped with a note, other languages refused with advice', () => {
  assert.deepEqual(mapRuntime('nodejs22.x'), { ok: true, awsRuntime: 'nodejs22.x' });
  assert.deepEqual(mapRuntime('nodejs24.x'), { ok: true, awsRuntime: 'nodejs24.x' });
  assert.deepEqual(mapRuntime('provided.al2023'), { ok: true, awsRuntime: 'provided.al2023' });
  const old = mapRuntime('nodejs16.x');
  assert.ok(old.ok && old.awsRuntime === 'nodejs20.x' && /retired/.test(old.note ?? ''));
  const none = mapRuntime(undefined);
  assert.ok(none.ok && none.awsRuntime === 'nodejs22.x' && none.note);
  const al1 = mapRuntime('provided');
  assert.ok(al1.ok && al1.awsRuntime === 'provided.al2');
  for (const [rt, re] of [['python3.12', /python3\.12 is not supported.*python runtime interface client/], ['java21', /java21/], ['go1.x', /bootstrap/], ['ruby3.3', /ruby/], ['dotnet8', /dotnet/], ['deno', /deno is not supported/]] as const) {
    const m = mapRuntime(rt);
    assert.ok(!m.ok && re.test(m.reason), rt);
  }
});

test('toFunctionName: DNS-1123 labels, unique', () => {
  const taken = new Set<string>();
  const cases: Array<[string, string]> = [
    ['getUser', 'get-user'],
    ['get_user', 'get-user-2'],
    ['HelloWorldFunction', 'hello-world-function'],
    ['123abc', 'abc'],
    ['---', 'fn'],
    ['a'.repeat(80), 'a'.repeat(60)],
    ['API.v2', 'api-v2'],
  ];
  for (const [key, want] of cases) assert.equal(toFunctionName(key, taken), want, key);
});

test('toRoute: methods, ANY, leading/trailing slashes, impossible routes', () => {
  const cases: Array<[string | undefined, string | undefined, string | undefined]> = [
    ['get', 'pets/{id}', 'GET /pets/{id}'],
    ['any', '/x', 'ANY /x'],
    ['*', '/x/', 'ANY /x'],
    [undefined, undefined, 'ANY /'],
    ['POST', '/', 'POST /'],
    ['connect', '/x', undefined],
    ['GET', '/a b', undefined],
  ];
  for (const [m, p, want] of cases) assert.equal(toRoute(m, p), want, `${m} ${p}`);
});
