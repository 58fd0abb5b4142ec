// The front doors through real HTTP: each peer bug of specs/lambda.md §4 as a test that would
// catch it (cookies, multi-value headers, query strings, path parameters, base64 bodies,
// response shapes, hidden errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, rawHeaderValues, serveLambda, type LambdaServer } from './helpers.js';

const servers: Record<string, LambdaServer> = {};
before(async () => {
  const configs: Record<string, Record<string, unknown>> = {
    rest: { frontDoor: 'rest-api', stage: 'prod', routes: ['ANY /pets/{petId}', 'ANY /files/{proxy+}', 'ANY /'], binaryMediaTypes: ['image/png'] },
    http: { frontDoor: 'http-api', routes: ['GET /pets/{petId}', 'ANY /{proxy+}'] },
    albOff: { frontDoor: 'alb' },
    albOn: { frontDoor: 'alb', multiValueHeaders: true },
    url: { frontDoor: 'function-url' },
    raw: { frontDoor: 'raw' },
  };
  await Promise.all(
    Object.entries(configs).map(async ([k, config]) => {
      servers[k] = await serveLambda({ fixture: 'basic', handler: 'index.route', config });
    }),
  );
});
after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

const echoEvent = async (s: LambdaServer, path: string, opts: Parameters<typeof call>[1] = {}) => {
  const r = await call(s.url, { ...opts, path });
  assert.equal(r.status, 200, r.text);
  return r.json().event;
};

test('REST: multiValueHeaders and multiValueQueryStringParameters reach the handler (serverless-offline#510, #469)', async () => {
  const e = await echoEvent(servers.rest!, '/prod/pets/a%40b?h=echo&tag=x&tag=y&q=a+b', { headers: { 'X-Multi': ['1', '2'] } });
  assert.equal(e.resource, '/pets/{petId}');
  assert.equal(e.path, '/pets/a%40b');
  assert.equal(e.requestContext.path, '/prod/pets/a%40b');
  assert.equal(e.requestContext.stage, 'prod');
  assert.deepEqual(e.pathParameters, { petId: 'a@b' }, 'decoded path parameters (serverless-offline#265)');
  assert.equal(e.queryStringParameters.tag, 'y', 'last value');
  assert.deepEqual(e.multiValueQueryStringParameters.tag, ['x', 'y']);
  assert.equal(e.queryStringParameters.q, 'a b', '+ is a space (aws-cdk#19827)');
  assert.equal(e.headers['X-Multi'], '2');
  assert.deepEqual(e.multiValueHeaders['X-Multi'], ['1', '2']);
  assert.equal(e.stageVariables, null, 'null, not {} (aws-sam-cli#338)');
  assert.equal(e.body, null);
  const g = await echoEvent(servers.rest!, '/prod/files/a/b/c.txt?h=echo');
  assert.deepEqual(g.pathParameters, { proxy: 'a/b/c.txt' }, 'greedy proxy without the leading slash');
});

test('REST: unknown routes and a missing stage are 403 Missing Authentication Token', async () => {
  for (const path of ['/prod/cats?h=echo', '/pets/1?h=echo']) {
    const r = await call(servers.rest!.url, { path });
    assert.equal(r.status, 403, path);
    assert.deepEqual(r.json(), { message: 'Missing Authentication Token' });
  }
});

test('REST: repeated Set-Cookie from multiValueHeaders all survive (serverless-offline#532, localstack#1637)', async () => {
  const r = await call(servers.rest!.url, { path: '/prod/?h=multiValue' });
  assert.equal(r.status, 201);
  assert.deepEqual(rawHeaderValues(r, 'set-cookie'), ['a=1', 'b=2', 'c=3']);
  assert.equal(r.headers['x-single'], 'one');
  assert.deepEqual(rawHeaderValues(r, 'x-list'), ['l1', 'l2']);
  assert.equal(r.text, 'created');
});

test('REST: binary request only for binaryMediaTypes; form bodies raw; binary response decoded (aws-sam-cli#1826)', async () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
  const e = await echoEvent(servers.rest!, '/prod/?h=echo', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  assert.equal(e.isBase64Encoded, true);
  assert.deepEqual(Buffer.from(e.body, 'base64'), png);
  const f = await echoEvent(servers.rest!, '/prod/?h=echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=%20' });
  assert.equal(f.isBase64Encoded, false);
  assert.equal(f.body, 'a=1&b=%20', 'passed raw, not parsed (serverless-offline#60)');
  const b = await call(servers.rest!.url, { path: '/prod/?h=binary', headers: { accept: 'image/png' } });
  assert.equal(b.headers['content-type'], 'image/png');
  assert.deepEqual(b.body, png);
});

test('REST: an object body or unknown key is 502, an error is 502; details only in the log (serverless-offline#678)', async () => {
  const s = servers.rest!;
  for (const h of ['objectBody', 'unknownKey', 'throwError']) {
    const r = await call(s.url, { path: `/prod/?h=${h}` });
    assert.equal(r.status, 502, h);
    assert.deepEqual(r.json(), { message: 'Internal server error' });
    assert.ok(!r.text.includes('hunter2'));
  }
  await s.waitFor(/Malformed Lambda proxy response: body must be a string/);
  await s.waitFor(/Malformed Lambda proxy response: unknown keys "extra"/);
  await s.waitFor(/hunter2/);
});

test('HTTP API: cookies in and out, lower-cased comma-joined headers, raw query (mangum#153, aws-sam-cli#3168, ministack#1035)', async () => {
  const s = servers.http!;
  const e = await echoEvent(s, '/pets/42?h=echo&x=%2B1&x=2', { headers: { cookie: 'a=1; b=2', 'X-Dup': ['1', '2'] } });
  assert.equal(e.version, '2.0');
  assert.equal(e.routeKey, 'GET /pets/{petId}');
  assert.deepEqual(e.pathParameters, { petId: '42' });
  assert.deepEqual(e.cookies, ['a=1', 'b=2']);
  assert.equal(e.headers.cookie, undefined);
  assert.equal(e.headers['x-dup'], '1,2');
  assert.equal(e.rawQueryString, 'h=echo&x=%2B1&x=2');
  assert.equal(e.queryStringParameters.x, '+1,2');
  const r = await call(s.url, { path: '/any?h=cookies' });
  assert.deepEqual(rawHeaderValues(r, 'set-cookie'), ['a=1; Path=/', 'b=2; HttpOnly']);
  assert.equal(r.headers['x-multi'], 'x,y');
  assert.equal(r.text, 'ok');
});

test('HTTP API: non-text request bodies are base64 (ministack#766)', async () => {
  const e = await echoEvent(servers.http!, '/x?h=echo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
  assert.equal(e.isBase64Encoded, true);
  assert.equal(Buffer.from(e.body, 'base64').toString(), 'a=1');
  const j = await echoEvent(servers.http!, '/x?h=echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  assert.equal(j.isBase64Encoded, false);
  assert.equal(j.body, '{"a":1}');
});

test('HTTP API: inference, status from a string, {statusCode, body} is unwrapped (KLR#23, localstack#8213)', async () => {
  const s = servers.http!;
  const inferred = await call(s.url, { path: '/x?h=noStatus' });
  assert.equal(inferred.status, 200);
  assert.equal(inferred.headers['content-type'], 'application/json');
  assert.deepEqual(inferred.json(), { message: 'inferred' });
  const str = await call(s.url, { path: '/x?h=string' });
  assert.equal(str.text, 'Hello from Lambda!');
  const redirect = await call(s.url, { path: '/x?h=stringStatus' });
  assert.equal(redirect.status, 302);
  assert.equal(redirect.headers.location, '/elsewhere');
  const unwrapped = await call(s.url, { path: '/x?h=cbImmediate' });
  assert.equal(unwrapped.text, 'cb', 'the body, not the whole result object');
});

test('HTTP API: errors and malformed results are 500 {"message":"Internal Server Error"} (aws-sam-cli#2590)', async () => {
  for (const h of ['throwError', 'objectBody', 'throwString']) {
    const r = await call(servers.http!.url, { path: `/x?h=${h}` });
    assert.equal(r.status, 500, h);
    assert.equal(r.text, '{"message":"Internal Server Error"}');
    assert.equal(r.headers['content-length'], '35');
  }
});

test('ALB: multi-value off and on, query not decoded, response headers by mode (serverless#7010, serverless-offline#1728)', async () => {
  const off = await echoEvent(servers.albOff!, '/p?h=echo&q=a%20b&q=c', { headers: { 'X-A': ['1', '2'] } });
  assert.deepEqual(off.queryStringParameters, { h: 'echo', q: 'c' });
  assert.equal(off.headers['x-a'], '2');
  assert.equal(off.multiValueHeaders, undefined);
  assert.equal(off.body, '');
  const on = await echoEvent(servers.albOn!, '/p?h=echo&q=a%20b&q=c', { headers: { 'X-A': ['1', '2'] } });
  assert.deepEqual(on.multiValueQueryStringParameters.q, ['a%20b', 'c'], 'ALB does not URL-decode');
  assert.deepEqual(on.multiValueHeaders['x-a'], ['1', '2']);
  assert.equal(on.headers, undefined);
  const r1 = await call(servers.albOff!.url, { path: '/?h=albResponse' });
  assert.equal(r1.headers['x-h'], 'single');
  assert.deepEqual(rawHeaderValues(r1, 'set-cookie'), []);
  const r2 = await call(servers.albOn!.url, { path: '/?h=albResponse' });
  assert.deepEqual(rawHeaderValues(r2, 'set-cookie'), ['m1=1', 'm2=2']);
  const err = await call(servers.albOff!.url, { path: '/?h=throwError' });
  assert.equal(err.status, 502);
});

test('Function URL: string results are JSON-encoded, cookies repeat, errors 502', async () => {
  const s = servers.url!;
  const e = await echoEvent(s, '/any/path?h=echo', { headers: { cookie: 'a=1' } });
  assert.equal(e.routeKey, '$default');
  assert.equal(e.requestContext.accountId, 'anonymous');
  assert.deepEqual(e.cookies, ['a=1']);
  assert.equal((await call(s.url, { path: '/?h=string' })).text, '"Hello from Lambda!"');
  assert.deepEqual(rawHeaderValues(await call(s.url, { path: '/?h=cookies' }), 'set-cookie'), ['a=1; Path=/', 'b=2; HttpOnly']);
  assert.equal((await call(s.url, { path: '/?h=throwError' })).status, 502);
});

test('raw: the body is the event and the result is the body', async () => {
  const s = servers.raw!;
  const r = await call(s.url, { method: 'POST', body: JSON.stringify({ h: 'event', Records: [{ body: 'x' }] }), headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { h: 'event', Records: [{ body: 'x' }] });
  const bad = await call(s.url, { method: 'POST', body: 'not json' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json().errorType, 'InvalidRequestContentException');
  const err = await call(s.url, { method: 'POST', body: '{"h":"throwError"}' });
  assert.equal(err.status, 502);
  assert.equal(err.headers['x-amz-function-error'], 'Unhandled');
  assert.ok(!err.text.includes('hunter2'));
});
