import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatReference, manifestIdentifier, parseReference, pinned } from './reference.js';

const D = 'sha256:' + 'a'.repeat(64);

// [input, registry, repository, tag, digest] — docker's normalisation (distribution/reference normalize.go).
const good: Array<[string, string, string, string?, string?]> = [
  ['node', 'docker.io', 'library/node'],
  ['node:22', 'docker.io', 'library/node', '22'],
  ['node:24-slim', 'docker.io', 'library/node', '24-slim'],
  ['library/node:22', 'docker.io', 'library/node', '22'],
  ['docker.io/node:22', 'docker.io', 'library/node', '22'],
  ['index.docker.io/library/node', 'docker.io', 'library/node'],
  ['bitnami/node:20', 'docker.io', 'bitnami/node', '20'],
  ['localhost:5000/x', 'localhost:5000', 'x'],
  ['localhost/x:1', 'localhost', 'x', '1'],
  ['127.0.0.1:5055/fnkit-test/node-base:20', '127.0.0.1:5055', 'fnkit-test/node-base', '20'],
  ['gcr.io/distroless/nodejs24-debian12', 'gcr.io', 'distroless/nodejs24-debian12'],
  ['ghcr.io/o/a/b/c:v1.2.3_x', 'ghcr.io', 'o/a/b/c', 'v1.2.3_x'],
  [`node@${D}`, 'docker.io', 'library/node', undefined, D],
  [`node:22@${D}`, 'docker.io', 'library/node', '22', D],
  [`[::1]:5000/app:1`, '[::1]:5000', 'app', '1'],
  ['Registry.Example.com/a__b/c-d/e.f:TAG', 'Registry.Example.com', 'a__b/c-d/e.f', 'TAG'],
];

for (const [input, registry, repository, tag, digest] of good) {
  test(`parseReference(${input})`, () => {
    const r = parseReference(input);
    assert.deepEqual(r, { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) });
    // Formatting then parsing again gives the same value.
    assert.deepEqual(parseReference(formatReference(r)), r);
  });
}

// [input, what the message must name]
const bad: Array<[string, RegExp]> = [
  ['', /is empty/],
  [' node', /whitespace/],
  ['http://localhost:5000/x', /scheme/],
  ['docker://node', /scheme/],
  ['Node:22', /component "Node" must be lowercase/],
  ['my_team//app', /component "" is empty/],
  ['app/', /component "" is empty/],
  ['app:-bad', /tag "-bad"/],
  ['app:' + 'x'.repeat(129), /tag/],
  ['app@sha256:abc', /64 lowercase hex/],
  ['app@md5:' + 'a'.repeat(32), /algorithm "md5" is not supported/],
  ['app@' + 'a'.repeat(64), /not of the form algorithm:hex/],
  ['app@sha256:' + 'A'.repeat(64), /lowercase hex/],
  ['-app', /component "-app"/],
  ['a..b', /component "a\.\.b"/],
  [':22', /repository.*missing/],
  ['bad host!:5000/app', /whitespace/],
  ['ex_ample.com/app', /registry "ex_ample.com"/],
  ['a/' + 'b'.repeat(260), /longer than 255/],
];

for (const [input, message] of bad) {
  test(`parseReference rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
    assert.throws(() => parseReference(input), (e: any) => {
      assert.equal(e.code, 'FN_ERR_IMAGE_REFERENCE');
      assert.match(e.message, message);
      assert.match(e.hint, /registry\[:port\]/);
      return true;
    });
  });
}

test('manifestIdentifier prefers the digest, then the tag, then latest', () => {
  assert.equal(manifestIdentifier(parseReference(`node:22@${D}`)), D);
  assert.equal(manifestIdentifier(parseReference('node:22')), '22');
  assert.equal(manifestIdentifier(parseReference('node')), 'latest');
});

test('pinned drops the tag and keeps the digest', () => {
  assert.equal(formatReference(pinned(parseReference('localhost:5000/app:1'), D)), `localhost:5000/app@${D}`);
  assert.throws(() => pinned(parseReference('app'), 'sha256:1'), { code: 'FN_ERR_IMAGE_REFERENCE' });
});
