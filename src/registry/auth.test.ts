import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Authorizer, basicHeader, mergeScopes, repositoryScope } from './auth.js';
import { StaticCredentialStore } from './credentials.js';
import type { HttpRequest } from './http.js';

test('repositoryScope and mergeScopes keep one scope per repository', () => {
  assert.equal(repositoryScope('a/b', false), 'repository:a/b:pull');
  assert.equal(repositoryScope('a/b', true), 'repository:a/b:pull,push');
  const cases: Array<[string[][], string[]]> = [
    [[['repository:a:pull,push'], ['repository:a:pull']], ['repository:a:pull,push']],
    [[['repository:a:push'], ['repository:a:pull']], ['repository:a:pull,push']],
    [[['repository:a:pull'], ['repository:b:pull']], ['repository:a:pull', 'repository:b:pull']],
    [[['repository:a:pull repository:b:push']], ['repository:a:pull', 'repository:b:push']],
    [[['repository:host:5000/x:pull']], ['repository:host:5000/x:pull']],
    [[['registry:catalog:*'], []], ['registry:catalog:*']],
    [[[], []], []],
  ];
  for (const [input, want] of cases) assert.deepEqual(mergeScopes(...input), want, JSON.stringify(input));
});

test('basic challenge: the stored user and password; none stored: anonymous', async () => {
  const a = new Authorizer(new StaticCredentialStore({ r: { username: 'u', password: 'p:w' } }), async () => { throw new Error('no token fetch for basic'); });
  assert.equal(await a.header('r', []), undefined, 'no challenge seen yet: anonymous');
  a.setChallenge('r', { scheme: 'basic', params: { realm: 'x' } });
  assert.equal(await a.header('r', []), basicHeader('u', 'p:w'));
  assert.equal(basicHeader('u', 'p:w'), 'Basic ' + Buffer.from('u:p:w').toString('base64'));
  a.setChallenge('other', { scheme: 'basic', params: {} });
  assert.equal(await a.header('other', []), undefined);
  assert.equal(a.wasAnonymous('other'), true);
});

test('bearer: one token request per scope set, cached until shortly before expiry, refetched after', async () => {
  const sent: HttpRequest[] = [];
  let now = 1_000_000;
  const a = new Authorizer(new StaticCredentialStore({ r: { username: 'u', password: 'p' } }), async (req) => {
    sent.push(req);
    return { status: 200, headers: {}, url: req.url, body: Buffer.from(JSON.stringify({ token: `t${sent.length}`, expires_in: 60 })) };
  }, () => now);
  a.setChallenge('r', { scheme: 'bearer', params: { realm: 'https://auth.example/token?x=1', service: 'reg' } });
  const scopes = ['repository:a:pull'];
  const [h1, h2] = await Promise.all([a.header('r', scopes), a.header('r', scopes)]);
  assert.equal(h1, 'Bearer t1');
  assert.equal(h2, 'Bearer t1', 'concurrent callers share one token request');
  assert.equal(sent.length, 1);
  const url = new URL(sent[0]!.url);
  assert.equal(url.searchParams.get('service'), 'reg');
  assert.deepEqual(url.searchParams.getAll('scope'), scopes);
  assert.equal(url.searchParams.get('x'), '1', 'the realm\'s own query is kept');
  assert.equal(sent[0]!.headers?.authorization, basicHeader('u', 'p'));
  assert.equal(await a.header('r', ['repository:a:pull,push']), 'Bearer t2', 'another scope set, another token');
  now += 49_000;
  assert.equal(await a.header('r', scopes), 'Bearer t1');
  now += 2_000; // 51 s: within 10 s of the 60 s expiry
  assert.equal(await a.header('r', scopes), 'Bearer t3');
  a.invalidate('r', scopes);
  assert.equal(await a.header('r', scopes), 'Bearer t4');
});

test('bearer: token server answers that are errors name the registry and the token server', async () => {
  const answers: Array<[number, string, string, RegExp]> = [
    [401, '{"errors":[{"code":"UNAUTHORIZED","message":"bad password"}]}', 'FN_ERR_REGISTRY_AUTH', /bad password/],
    [500, 'oops', 'FN_ERR_REGISTRY_PROTOCOL', /token request .* HTTP 500: oops/],
    [200, 'not json', 'FN_ERR_REGISTRY_PROTOCOL', /not JSON/],
    [200, '{"expires_in":60}', 'FN_ERR_REGISTRY_PROTOCOL', /no "token"/],
  ];
  for (const [status, body, code, message] of answers) {
    const a = new Authorizer(new StaticCredentialStore({ r: { username: 'u', password: 'p' } }), async (req) => ({ status, headers: {}, url: req.url, body: Buffer.from(body) }));
    a.setChallenge('r', { scheme: 'bearer', params: { realm: 'https://auth.example/token' } });
    await assert.rejects(a.header('r', ['repository:a:pull']), (e: any) => {
      assert.equal(e.code, code, `${status} ${body}`);
      assert.match(e.message, message);
      assert.match(e.message, /registry r\b/);
      return true;
    });
  }
  const noRealm = new Authorizer(new StaticCredentialStore({}), async () => { throw new Error('unused'); });
  noRealm.setChallenge('r', { scheme: 'bearer', params: {} });
  await assert.rejects(noRealm.header('r', []), { code: 'FN_ERR_REGISTRY_PROTOCOL', message: /without a realm/ });
  noRealm.setChallenge('r', { scheme: 'bearer', params: { realm: 'not a url' } });
  await assert.rejects(noRealm.header('r', []), { code: 'FN_ERR_REGISTRY_PROTOCOL', message: /is not a URL/ });
});

test('bearer with a registry token uses it as is; with an identity token, the OAuth2 refresh grant', async () => {
  const direct = new Authorizer(new StaticCredentialStore({ r: { registryToken: 'abc' } }), async () => { throw new Error('no fetch'); });
  direct.setChallenge('r', { scheme: 'bearer', params: { realm: 'https://a/t' } });
  assert.equal(await direct.header('r', []), 'Bearer abc');
  const sent: HttpRequest[] = [];
  const oauth = new Authorizer(new StaticCredentialStore({ r: { identityToken: 'refresh-1' } }), async (req) => {
    sent.push(req);
    return { status: 200, headers: {}, url: req.url, body: Buffer.from('{"access_token":"acc"}') };
  });
  oauth.setChallenge('r', { scheme: 'bearer', params: { realm: 'https://a/t', service: 'svc' } });
  assert.equal(await oauth.header('r', ['repository:a:pull', 'repository:b:pull']), 'Bearer acc');
  assert.equal(sent[0]!.method, 'POST');
  const form = new URLSearchParams((sent[0]!.body as Buffer).toString());
  assert.deepEqual(Object.fromEntries(form), { grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'fnkit', service: 'svc', scope: 'repository:a:pull repository:b:pull' });
});
