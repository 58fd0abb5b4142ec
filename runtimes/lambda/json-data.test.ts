import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isJsonData } from './json-data.js';

test('plain JSON data is recognised; anything JSON would change is not', () => {
  const event = { version: '2.0', headers: { host: 'x' }, cookies: ['a=1'], n: 1.5, ok: false, none: null, nested: [{ a: [] }] };
  assert.equal(isJsonData(event), true);
  assert.deepEqual(JSON.parse(JSON.stringify(event)), event);
  const changed: unknown[] = [
    { a: undefined },
    { a: NaN },
    { a: Infinity },
    { d: new Date(0) },
    { b: Buffer.from('x') },
    { toJSON: () => 1 },
    Object.assign(Object.create({ inherited: 1 }), { own: 1 }),
    { [Symbol('s')]: 1 },
    [1, undefined],
    { f: () => 1 },
    { n: 1n },
    new Map(),
  ];
  for (const v of changed) assert.equal(isJsonData(v), false, String(Object.keys(v as object)));
  // cycles (JSON.stringify throws) and absurd depth take the JSON path
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.equal(isJsonData(cyclic), false);
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  assert.equal(isJsonData(deep), false);
  assert.equal(isJsonData(Object.create(null)), true);
});

test('every HTTP front door builds an event JSON leaves as it is, so it may skip the check (dispatch.ts plainEvent)', async () => {
  const { sampleRequest, sampleContext } = await import('./events/sample-request.js');
  const { httpApiEvent } = await import('./events/apigw-v2.js');
  const { restEvent } = await import('./events/apigw-v1.js');
  const { albEvent } = await import('./events/alb.js');
  const { functionUrlEvent } = await import('./events/function-url.js');
  const { parseRoutes } = await import('./routes.js');
  // Names and values that JSON or a plain assignment could treat differently.
  const awkward: Array<[string, string]> = [
    ['Host', 'api.example.com'],
    ['__proto__', 'p'],
    ['toJSON', 't'],
    ['constructor', 'c'],
    ['X-Dup', 'one'],
    ['x-dup', 'two'],
    ['Cookie', 'a=1; b=2'],
    ['Cookie', 'c=3'],
    ['Content-Type', 'application/octet-stream'],
    ['User-Agent', 'é\u2028\u0000'],
  ];
  const requests = [
    sampleRequest({}),
    sampleRequest({ method: 'POST', target: '/prod/pets/7?__proto__=x&toJSON=y&constructor=1&toString=2&a=1&a=2&%zz&=v&k=', headers: awkward, body: Buffer.from([0, 255, 1]) }),
    sampleRequest({ method: 'PUT', target: '/prod/pets/%F0%9F%90%88?q=%E2%82%AC', headers: [['content-type', 'application/json']], body: '{"a":1}' }),
  ];
  const contexts = [
    sampleContext(),
    sampleContext({ stage: 'prod', routes: parseRoutes(['ANY /pets/{petId}', 'GET /{proxy+}']), binaryMediaTypes: ['*/*'], multiValueHeaders: true }),
    sampleContext({ multiValueHeaders: true }),
  ];
  const doors = { httpApiEvent, restEvent, albEvent, functionUrlEvent };
  let events = 0;
  for (const [name, door] of Object.entries(doors)) {
    for (const req of requests) {
      for (const c of contexts) {
        const mapped = door(req, c);
        if (!('event' in mapped)) continue;
        events++;
        // What a worker's handler gets (the JSON round trip) is what an inline one gets: the
        // same values, prototypes and key order. (isJsonData itself is stricter: it refuses
        // any "toJSON" key, even a query parameter's string.)
        const copy = JSON.parse(JSON.stringify(mapped.event));
        assert.deepEqual(copy, mapped.event, `${name} ${req.url} stage=${c.stage}`);
        assert.equal(JSON.stringify(copy), JSON.stringify(mapped.event));
      }
    }
  }
  assert.ok(events >= 30, `only ${events} events were built`);
});

test('header names and query keys that Object.prototype also has are plain data in every event', async () => {
  const { sampleRequest, sampleContext } = await import('./events/sample-request.js');
  const { httpApiEvent } = await import('./events/apigw-v2.js');
  const { restEvent } = await import('./events/apigw-v1.js');
  const { albEvent } = await import('./events/alb.js');
  const req = sampleRequest({ target: '/?constructor=1&constructor=2&toString=t&__proto__=p', headers: [['constructor', 'c'], ['__proto__', 'h']] });
  const v2 = (httpApiEvent(req, sampleContext()) as { event: any }).event;
  assert.equal(v2.queryStringParameters.constructor, '1,2');
  assert.equal(v2.queryStringParameters.toString, 't');
  assert.equal(Object.getOwnPropertyDescriptor(v2.queryStringParameters, '__proto__')?.value, 'p');
  assert.equal(Object.getPrototypeOf(v2.queryStringParameters), Object.prototype);
  assert.equal(v2.headers.constructor, 'c');
  assert.equal(Object.getOwnPropertyDescriptor(v2.headers, '__proto__')?.value, 'h');
  // REST: multi-value maps used to throw on "constructor" ("out[k].push is not a function").
  const v1 = (restEvent(req, sampleContext({ multiValueHeaders: true })) as { event: any }).event;
  assert.deepEqual(v1.multiValueHeaders.constructor, ['c']);
  assert.deepEqual(v1.multiValueQueryStringParameters.constructor, ['1', '2']);
  assert.equal(v1.queryStringParameters.constructor, '2');
  const alb = (albEvent(req, sampleContext({ multiValueHeaders: true })) as { event: any }).event;
  assert.deepEqual(alb.multiValueHeaders.constructor, ['c']);
});

test('a result header named like an Object.prototype member is an ordinary header', async () => {
  const { httpApiResult } = await import('./events/apigw-v2.js');
  const out = httpApiResult({ statusCode: 200, headers: { constructor: 'c', toString: 't', 'Content-Type': 'text/plain' }, body: 'x' });
  assert.equal(out.problem, undefined);
  assert.equal(out.response.headers.constructor, 'c');
  assert.equal(out.response.headers.tostring, 't');
  assert.equal(out.response.headers['content-type'], 'text/plain');
});

test('jsonCopy gives what the JSON round trip gives, or NOT_PLAIN where only real JSON can answer', async () => {
  const { jsonCopy, NOT_PLAIN } = await import('./json-data.js');
  const same: unknown[] = [
    undefined,
    null,
    'text é \u2028 \ud800 "q"',
    0,
    -0,
    1.5,
    true,
    { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"a":1}', isBase64Encoded: false },
    { a: undefined, f: () => 1, s: Symbol('x'), kept: 1 },
    [1, undefined, () => 1, Symbol('y'), , 'x'],
    Object.assign(Object.create(null), { nullProto: true }),
    { toJSON: 'a string is data' },
    { nested: [{ deep: [{ deeper: 'yes' }] }] },
    Object.defineProperty({}, 'computed', { get: () => 'from a getter', enumerable: true }),
    Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false }),
    JSON.parse('{"__proto__": {"x": 1}, "y": 2}'),
  ];
  for (const v of same) {
    const expected = JSON.parse(JSON.stringify(v === undefined ? null : v));
    const got = jsonCopy(v, 6 * 1024 * 1024);
    assert.deepEqual(got, expected, JSON.stringify(v));
    assert.equal(JSON.stringify(got), JSON.stringify(expected));
    if (typeof v === 'object' && v !== null) assert.notEqual(got, v, 'a copy, not the handler\'s object');
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const notPlain: unknown[] = [NaN, Infinity, 1n, new Date(0), { toJSON: () => 1 }, new Map(), Buffer.from('x'), new (class Point { x = 1 })(), cyclic, () => 1];
  for (const v of notPlain) assert.equal(jsonCopy(v, 6 * 1024 * 1024), NOT_PLAIN, String(v));
  // Could the text exceed the limit? Then the caller measures the real text.
  assert.equal(jsonCopy({ body: 'x'.repeat(1000) }, 1000), NOT_PLAIN);
  assert.deepEqual(jsonCopy({ body: 'x'.repeat(100) }, 1000), { body: 'x'.repeat(100) });
  // The copy is the result at completion: later changes to the handler's object do not show.
  const result = { statusCode: 200, headers: { a: '1' } };
  const copied = jsonCopy(result, 1e6) as typeof result;
  result.headers.a = 'changed';
  assert.equal(copied.headers.a, '1');
});
