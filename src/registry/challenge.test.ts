import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenges, pickChallenge } from './challenge.js';

// Real headers: distribution's htpasswd and token access controllers, Docker Hub, GHCR, ECR.
const cases: Array<[string, string | undefined, Array<{ scheme: string; params: Record<string, string> }>]> = [
  ['distribution htpasswd', 'Basic realm="fnkit-test"', [{ scheme: 'basic', params: { realm: 'fnkit-test' } }]],
  ['Docker Hub', 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
    [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/node:pull' } }]],
  ['insufficient scope', 'Bearer realm="http://127.0.0.1:1/token",service="s",scope="repository:a:pull,push",error="insufficient_scope"',
    [{ scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 's', scope: 'repository:a:pull,push', error: 'insufficient_scope' } }]],
  ['ECR', 'Basic realm="https://1.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"',
    [{ scheme: 'basic', params: { realm: 'https://1.dkr.ecr.us-east-1.amazonaws.com/', service: 'ecr.amazonaws.com' } }]],
  ['two challenges joined by Node', 'Basic realm="r", Bearer realm="https://a/t",service="x"',
    [{ scheme: 'basic', params: { realm: 'r' } }, { scheme: 'bearer', params: { realm: 'https://a/t', service: 'x' } }]],
  ['unquoted values and spaces', 'bearer  realm = https://a/t , service=reg', [{ scheme: 'bearer', params: { realm: 'https://a/t', service: 'reg' } }]],
  ['escaped quote', 'Basic realm="a \\"b\\" c"', [{ scheme: 'basic', params: { realm: 'a "b" c' } }]],
  ['missing header', undefined, []],
  ['empty header', '', []],
  ['garbage', '"""', []],
];

for (const [name, header, want] of cases) {
  test(`parseChallenges: ${name}`, () => assert.deepEqual(parseChallenges(header), want));
}

test('pickChallenge prefers Bearer, then Basic', () => {
  assert.equal(pickChallenge(parseChallenges('Basic realm="r", Bearer realm="t"'))?.scheme, 'bearer');
  assert.equal(pickChallenge(parseChallenges('Negotiate, Basic realm="r"'))?.scheme, 'basic');
  assert.equal(pickChallenge([]), undefined);
});
