import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../config/fn-yaml.js';
import { targetReference, parseEpoch, defaultCacheRoot, DEFAULT_BASE } from './builder.js';
import { portableSourceMap } from './js-layers.js';
import { publicUrl } from './git.js';
import { pinnedReference, summary, formatSize, describeStep } from './report.js';

const spec = (build = '') => parseFunction(`name: hello\n${build ? `build:\n${build}` : ''}`, '/work/fns/hello/fn.yaml');

const targets: [string, string, string | undefined, string | undefined][] = [
  ['option wins', '  image: ghcr.io/a/b:1\n', 'localhost:5000/x:2', 'localhost:5000/x:2'],
  ['build.image', '  image: ghcr.io/a/b:1\n  registry: quay.io/q\n', undefined, 'ghcr.io/a/b:1'],
  ['build.registry + name', '  registry: quay.io/team/\n', undefined, 'quay.io/team/hello'],
  ['nothing', '', undefined, undefined],
];
for (const [name, yaml, option, want] of targets) {
  test(`targetReference: ${name}`, () => {
    const r = targetReference(spec(yaml), { image: option });
    assert.equal(r && `${r.registry}/${r.repository}${r.tag ? ':' + r.tag : ''}`, want);
  });
}

test('fn.yaml build: keys are checked, unknown ones named', () => {
  const s = spec('  base: node:24-slim\n  platforms: [linux/amd64]\n  include: ["views/**"]\n  external: [sharp]\n  insecure: true\n');
  assert.deepEqual(s.build, { base: 'node:24-slim', platforms: ['linux/amd64'], include: ['views/**'], external: ['sharp'], insecure: true });
  assert.throws(() => spec('  bse: node\n'), { code: 'FN_ERR_FN_YAML_INVALID', message: /unknown field "build.bse"/ });
  assert.throws(() => spec('  platforms: [amd64]\n'), { code: 'FN_ERR_FN_YAML_INVALID', message: /build.platforms.0/ });
  assert.throws(() => spec('  insecure: "yes"\n'), { code: 'FN_ERR_FN_YAML_INVALID', message: /build.insecure/ });
  assert.equal(spec().build.base, undefined);
  assert.match(DEFAULT_BASE, /^docker\.io\/library\/node:24/);
});

const epochs: [string | undefined, number | RegExp][] = [[undefined, 0], ['', 0], ['1700000000', 1_700_000_000], [' 5 ', 5], ['-1', /whole number/], ['1.5', /whole number/], ['tomorrow', /whole number/]];
for (const [value, want] of epochs) {
  test(`parseEpoch(${JSON.stringify(value)})`, () => {
    if (typeof want === 'number') assert.equal(parseEpoch(value), want);
    else assert.throws(() => parseEpoch(value), { code: 'FN_ERR_SOURCE_DATE_EPOCH', message: want });
  });
}

const urls: [string, string][] = [
  ['git@github.com:acme/fns.git', 'https://github.com/acme/fns'],
  ['https://user:ghp_token@github.com/acme/fns.git', 'https://github.com/acme/fns'],
  ['https://gitlab.example/acme/fns', 'https://gitlab.example/acme/fns'],
];
for (const [url, want] of urls) test(`publicUrl drops credentials: ${url}`, () => assert.equal(publicUrl(url), want));

test('portableSourceMap: no host paths left in sources', () => {
  const map = { version: 3, sources: ['../../work/main/invoker/main.ts', '../fns/hello/index.ts', '../../work/main/node_modules/fastify/fastify.js', '../elsewhere/x.js'], mappings: 'AAAA' };
  const out = JSON.parse(portableSourceMap(Buffer.from(JSON.stringify(map)), '/tmp/out', '/tmp/fns/hello', '/work/main').toString());
  assert.deepEqual(out.sources, ['fnkit/invoker/main.ts', 'index.ts', 'node_modules/fastify/fastify.js', 'external/x.js']);
  assert.equal(out.mappings, 'AAAA');
});

test('cache root follows XDG_CACHE_HOME', () => {
  assert.equal(defaultCacheRoot({ XDG_CACHE_HOME: '/c' }), '/c/fnkit');
  assert.match(defaultCacheRoot({}), /\.cache\/fnkit$/);
});

test('report: pinned reference and summary', () => {
  const r = { digest: 'sha256:' + 'a'.repeat(64), mediaType: 'x', platforms: ['linux/amd64'], layers: [{ digest: 'sha256:' + 'b'.repeat(64), size: 2048, description: 'function bundle main.mjs' }], durationMs: 420 };
  assert.equal(pinnedReference(spec('  registry: quay.io/t\n'), undefined, r), `quay.io/t/hello@${r.digest}`);
  assert.equal(pinnedReference(spec(), undefined, r), r.digest);
  assert.equal(pinnedReference(spec(), undefined, { ...r, reference: 'r/x@sha256:1' }), 'r/x@sha256:1');
  const text = summary(spec(), r, {});
  assert.match(text, /built hello \(linux\/amd64\) in 420 ms/);
  assert.match(text, /2\.0 KiB\s+function bundle main.mjs/);
  assert.match(text, /nothing written/);
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(3 * 1024 * 1024), '3.0 MiB');
});

test('report: blob transfers and unknown steps', () => {
  assert.equal(describeStep('upload', { digest: 'sha256:' + 'c'.repeat(64), size: 42 * 1024 * 1024 }), '  uploaded sha256:cccccccccccc (42.0 MiB)');
  assert.equal(describeStep('download', { digest: 'sha256:' + 'd'.repeat(64), size: 100 }), '  downloaded sha256:dddddddddddd (100 B)');
  assert.equal(describeStep('no-such-step', {}), undefined);
});

test('imageEnv: the semi-space cap only where it costs no start-up (Node 24+, or unknown)', async () => {
  const { imageEnv, SEMI_SPACE_CAP } = await import('./image-bundle.js');
  for (const v of ['v20.20.2', '20.11.0', 'v22.3.0']) assert.deepEqual(imageEnv(v), { NODE_ENV: 'production' }, v);
  for (const v of ['v24.11.0', '24.0.0', 'v25.1.0', undefined, 'not-a-version']) assert.deepEqual(imageEnv(v), { NODE_ENV: 'production', NODE_OPTIONS: SEMI_SPACE_CAP }, String(v));
});

test('declaredNodeVersion: NODE_VERSION from the base config, nothing else', async () => {
  const { declaredNodeVersion } = await import('./builder.js');
  assert.equal(declaredNodeVersion({ config: { Env: ['PATH=/usr/bin', 'NODE_VERSION=24.11.1', 'YARN_VERSION=1.22.22'] } }), '24.11.1');
  assert.equal(declaredNodeVersion({ config: { Env: ['PATH=/usr/bin'] } }), undefined);
  assert.equal(declaredNodeVersion({ config: { Env: ['NODE_VERSION=latest'] } }), undefined);
  assert.equal(declaredNodeVersion({}), undefined);
});

test('codeCacheFor: a registry error fetching the base\'s layer is a skipped code cache, not a failed build', async () => {
  const { codeCacheFor } = await import('./builder.js');
  const { hostPlatform } = await import('./platform.js');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = await mkdtemp(join(tmpdir(), 'fn-ccf-'));
  try {
    const client = { getBlob: async () => { throw new Error('registry said 503 Service Unavailable'); } } as never;
    const image = { platform: hostPlatform(), manifestDigest: 'sha256:' + '1'.repeat(64), manifest: {}, config: { config: { Cmd: ['node'] } }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:' + '2'.repeat(64), size: 10 }] };
    const base = { text: 'x', ref: { registry: 'r', repository: 'x' }, digest: 'sha256:' + '3'.repeat(64), isIndex: false, family: 'oci', images: [image] } as never;
    const spec = { env: {}, build: {} } as never;
    const r = await codeCacheFor(client, base, image as never, spec, undefined, { runtimeFiles: [] }, 0, dir, undefined);
    assert.ok('skip' in r && /503 Service Unavailable/.test(r.skip), JSON.stringify(r));
    // an aborted build still stops
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await assert.rejects(codeCacheFor(client, base, image as never, spec, undefined, { runtimeFiles: [] }, 0, dir, ac.signal));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('report: the code cache steps say which platform, and why one was skipped', () => {
  assert.equal(describeStep('code cache made', { platform: 'linux/amd64', node: 'v24.11.0', size: 300 * 1024 }), '  code cache for linux/amd64: node v24.11.0, 300.0 KiB');
  assert.equal(describeStep('code cache skipped', { platform: 'linux/arm64/v8', reason: 'base is linux/arm64/v8; this machine is linux/amd64' }),
    '  no code cache for linux/arm64/v8: base is linux/arm64/v8; this machine is linux/amd64 (the image works; its cold start compiles the runtime)');
});

test('report: a tag base gets the exact pin line, a pinned one none', () => {
  const r = { digest: 'sha256:' + 'a'.repeat(64), mediaType: 'x', platforms: ['linux/amd64'], layers: [], durationMs: 1 };
  const digest = 'sha256:' + 'e'.repeat(64);
  assert.match(summary(spec(), { ...r, base: { reference: 'localhost:5000/node:24-slim', digest } }, { push: true }), new RegExp(`set build.base: localhost:5000/node@${digest}$`, 'm'));
  assert.doesNotMatch(summary(spec(), { ...r, base: { reference: `node@${digest}`, digest } }, { push: true }), /to pin it/);
});
