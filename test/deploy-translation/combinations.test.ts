// Many valid fn.yaml deploy sections, drawn from a seeded generator (the same every run): each
// must render to a Service and Triggers that pass the real CRD schemas and the webhook rules,
// and render identically a second time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseFunction } from '../../src/config/fn-yaml.js';
import { renderFunction } from '../../src/deploy/manifest.js';
import { compileCrdSchema, schemaProblems } from '../../src/deploy/validate-crd.js';
import { crdSchema, readCrds } from '../../src/deploy/validate-schema-gen.js';

/** mulberry32: a tiny seeded PRNG, so a failure names a reproducible case. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDeploy(r: () => number, name: string): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = (p = 0.5) => r() < p;
  const d: Record<string, unknown> = {};
  if (maybe()) d.namespace = pick(['default', 'team-a', 'x1']);
  if (maybe()) {
    const metric = pick(['concurrency', 'rps', 'cpu', 'memory', undefined] as const);
    const min = Math.floor(r() * 4);
    const s: Record<string, unknown> = { min, max: pick([0, min, min + 5]) };
    if (metric) s.metric = metric;
    if (maybe()) s.initial = Math.max(1, min);
    if (maybe()) s.target = pick([0.5, 10, 100]);
    if (maybe() && metric !== 'cpu' && metric !== 'memory') s.window = pick(['6s', '60s', '2m', 3600, '1h']);
    if (maybe()) s.utilization = pick([1, 70, 100]);
    d.scale = s;
  }
  if (maybe()) d.concurrency = pick([0, 1, 100, 1000]);
  if (maybe()) d.resources = { requests: { cpu: pick(['100m', 0.25, 1]), memory: '64Mi' }, limits: { cpu: pick([2, '2000m']), memory: pick(['64Mi', '1Gi']) } };
  if (maybe()) d.secrets = { DB_PASS: 'db/password', TOKEN: 'api.keys/token-1' };
  if (maybe()) d.configMaps = { LOG_LEVEL: 'cfg/log.level' };
  if (maybe()) d.envFrom = [{ secret: 'all-secrets' }, { configMap: 'all.config' }].slice(0, 1 + Math.floor(r() * 2));
  if (maybe()) d.visibility = pick(['public', 'cluster-local']);
  if (maybe()) {
    d.traffic = pick([
      [{ latest: true, percent: 100 }],
      [{ revision: `${name}-00001`, percent: 40 }, { revision: `${name}-00002`, percent: 60, tag: 'blue' }],
      [{ revision: `${name}-00007`, percent: 99, tag: 'stable' }, { latest: true, percent: 1, tag: 'canary' }],
      [{ latest: true, percent: 100 }, { revision: `${name}-00001`, percent: 0, tag: 'old' }],
    ]);
  }
  if (maybe()) {
    d.subscriptions = [
      { broker: 'default', filters: { type: 'a.b' } },
      { broker: pick(['events', 'x.y']), filters: { type: 'c', source: '/s', ext1: 'v' }, path: '/in' },
    ].slice(0, 1 + Math.floor(r() * 2));
  }
  if (maybe()) d.serviceAccountName = pick(['runner', 'fn.runner']);
  if (maybe()) d.imagePullSecrets = ['regcred'];
  if (maybe()) d.annotations = { 'example.com/owner': 'alice', 'serving.knative.dev/rollout-duration': '30s' };
  if (maybe()) d.labels = { team: 'payments', 'example.com/tier': 'gold' };
  return d;
}

test('300 generated valid functions render to objects the real CRDs and the webhook rules accept', () => {
  const { service, trigger } = readCrds();
  const svcSchema = compileCrdSchema(crdSchema(service));
  const trgSchema = compileCrdSchema(crdSchema(trigger));
  const r = rng(20261126);
  const image = `registry.example.com:5000/team/fn@sha256:${'5e'.repeat(32)}`;
  for (let i = 0; i < 300; i++) {
    const name = ['hello', 'a', 'orders-api', `f${i}`][i % 4]!;
    const lambda = i % 3 === 0;
    const deploy = randomDeploy(r, name);
    // A Lambda pod takes at most its worker pool's worth of events (validate-deploy.ts).
    const pool = lambda && typeof deploy.concurrency === 'number' ? Math.min(256, Math.max(1, deploy.concurrency)) : undefined;
    if (pool !== undefined) deploy.concurrency = pool;
    const doc = {
      name,
      runtime: lambda ? 'lambda' : 'node',
      ...(pool !== undefined ? { lambda: { concurrency: pool } } : {}),
      timeout: [1, '1.5', '30s', '10m'][i % 4],
      env: i % 2 ? { GREETING: 'hi', N: '1' } : {},
      invoker: i % 5 === 0 ? { reservedPrefix: '/_fn', bodyLimit: '1mb' } : {},
      deploy,
    };
    const yaml = stringify(doc);
    const spec = parseFunction(yaml, `/fns/${name}/fn.yaml`);
    let out: ReturnType<typeof renderFunction>;
    try {
      out = renderFunction(spec, image, { serviceUid: i % 2 ? 'uid' : undefined });
    } catch (err) {
      assert.fail(`case ${i} was refused:\n${yaml}\n${(err as Error).message}`);
    }
    assert.deepEqual(schemaProblems(svcSchema, out.service), [], `case ${i}\n${yaml}`);
    for (const t of out.triggers) assert.deepEqual(schemaProblems(trgSchema, t), [], `case ${i}\n${yaml}`);
    assert.equal(stringify(renderFunction(parseFunction(yaml, `/fns/${name}/fn.yaml`), image, { serviceUid: i % 2 ? 'uid' : undefined })), stringify(out), `case ${i} renders twice the same`);
  }
});
