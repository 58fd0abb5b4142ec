// Generated Services and Triggers against the REAL Knative CRD openAPIV3Schema (Serving
// v1.23.0, Eventing v1.22.2), loaded from the YAML at test time, and the checked-in run-time
// copy (src/deploy/validate-crd-schemas.ts) kept in sync with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFunction } from '../../src/config/fn-yaml.js';
import { toKnativeService, toTriggers, serviceOwnerRef } from '../../src/deploy/manifest.js';
import { compileCrdSchema, schemaProblems } from '../../src/deploy/validate-crd.js';
import { crdSchema, generateSchemaModule, GENERATED_FILE, readCrds } from '../../src/deploy/validate-schema-gen.js';
import { serviceProblems, triggerProblems } from '../../src/deploy/validate.js';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED = resolve(here, '../../../shared/schemas');
/** sha256 of the upstream files (../shared/schemas/README.md lists their commits). */
const UPSTREAM_SHA256: Record<string, [string, string]> = {
  'service.yaml': ['knative-serving/service.yaml', '2df2faa748f4d8e9470a2a5e9f208d7310aa89fc8cad1f2b1b9941fefe3def33'],
  'trigger.yaml': ['knative-eventing/trigger.yaml', 'fdf6c668d4fa1182bbceb417a70ceeccd9bfc1bf893f2fddf247933dcec6a5f1'],
};
const IMAGE = `127.0.0.1:5000/fns/f@sha256:${'c3'.repeat(32)}`;

test('the CRD copies are the unmodified upstream files', () => {
  for (const [copy, [upstream, sha]] of Object.entries(UPSTREAM_SHA256)) {
    const bytes = readFileSync(join(here, 'crds', copy));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), sha, copy);
    // On a machine that has the shared reference folder, compare with it too.
    if (existsSync(SHARED)) assert.ok(bytes.equals(readFileSync(join(SHARED, upstream))), `${copy} differs from ${upstream}`);
  }
});

test('src/deploy/validate-crd-schemas.ts is up to date (regenerate: node --import tsx src/deploy/validate-schema-gen.ts)', () => {
  const { service, trigger } = readCrds();
  assert.equal(readFileSync(GENERATED_FILE, 'utf8'), generateSchemaModule(service, trigger));
});

// fn.yaml variants covering every deploy key, each rendered and checked against the YAML schema.
const VARIANTS: Record<string, string> = {
  minimal: 'name: f\n',
  lambda: 'name: f\nruntime: lambda\nhandler: src/app.handler\nlambda: {concurrency: 8}\n',
  everything: `name: f
timeout: 90s
env: {A: "1", B: two}
invoker: {bodyLimit: 10mb, reservedPrefix: /_fn}
deploy:
  scale: {min: 1, max: 10, initial: 2, target: 80, metric: rps, window: 2m}
  concurrency: 50
  resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 2, memory: 512Mi}}
  envFrom: [{secret: s1}, {configMap: c1}]
  secrets: {PASSWORD: db/pass}
  configMaps: {LEVEL: cfg/level}
  visibility: cluster-local
  serviceAccountName: runner
  imagePullSecrets: [regcred, other]
  annotations: {example.com/a: b}
  labels: {team: x}
  subscriptions:
    - {broker: default, filters: {type: a.b}}
    - {broker: events, filters: {type: c, source: /s, myext: v}, path: /hook}
`,
  hpa: 'name: f\ndeploy: {scale: {metric: cpu, utilization: 60, min: 1, max: 3}}\n',
  split: 'name: f\ndeploy: {traffic: [{revision: f-00001, percent: 70}, {revision: f-00002, percent: 30, tag: next}]}\n',
  canary: 'name: f\ndeploy: {traffic: [{revision: f-00001, percent: 95, tag: stable}, {latest: true, percent: 5, tag: canary}]}\n',
};

test('every generated Service validates against the real Service CRD schema (strict: no field the API server would prune)', () => {
  const { service } = readCrds();
  const strict = compileCrdSchema(crdSchema(service), true);
  const lenient = compileCrdSchema(crdSchema(service), false);
  for (const [name, yaml] of Object.entries(VARIANTS)) {
    const svc = toKnativeService(parseFunction(yaml, `/fns/${name}/fn.yaml`), IMAGE, { namespace: 'ns' });
    assert.deepEqual(schemaProblems(strict, svc), [], name);
    assert.deepEqual(schemaProblems(lenient, svc), [], name);
    assert.deepEqual(serviceProblems(svc), [], name);
  }
});

test('every generated Trigger validates against the real Trigger CRD schema', () => {
  const { trigger } = readCrds();
  const strict = compileCrdSchema(crdSchema(trigger), true);
  const spec = parseFunction(VARIANTS.everything!, '/fns/f/fn.yaml');
  const triggers = [...toTriggers(spec, { namespace: 'ns' }), ...toTriggers(spec, { owner: serviceOwnerRef('f', 'u-1') })];
  assert.equal(triggers.length, 4);
  for (const t of triggers) {
    assert.deepEqual(schemaProblems(strict, t), [], t.metadata.name);
    assert.deepEqual(triggerProblems(t), [], t.metadata.name);
  }
});

test('the schema catches what the webhook rules do not: types and pruned fields', () => {
  const { service } = readCrds();
  const strict = compileCrdSchema(crdSchema(service), true);
  const base = () => JSON.parse(JSON.stringify(toKnativeService(parseFunction('name: f\n', '/f/fn.yaml'), IMAGE)));
  const cases: Array<[string, (s: any) => void, string]> = [
    ['containerConcurrency as a string', (s) => (s.spec.template.spec.containerConcurrency = 'ten'), 'spec.template.spec.containerConcurrency'],
    ['restartPolicy is not a Knative pod field', (s) => (s.spec.template.spec.restartPolicy = 'Always'), 'spec.template.spec.restartPolicy'],
    ['container lifecycle is not allowed', (s) => (s.spec.template.spec.containers[0].lifecycle = {}), 'spec.template.spec.containers[0].lifecycle'],
    ['tty is not allowed', (s) => (s.spec.template.spec.containers[0].tty = true), 'spec.template.spec.containers[0].tty'],
    ['port as a string', (s) => (s.spec.template.spec.containers[0].ports[0].containerPort = '8080'), 'spec.template.spec.containers[0].ports[0].containerPort'],
    ['traffic percent beyond int64', (s) => (s.spec.traffic[0].percent = 2 ** 63), 'spec.traffic[0].percent'],
    ['env as a map', (s) => (s.spec.template.spec.containers[0].env = { A: '1' }), 'spec.template.spec.containers[0].env'],
    ['unknown top-level spec field', (s) => (s.spec.revisions = []), 'spec.revisions'],
  ];
  for (const [title, mutate, path] of cases) {
    const s = base();
    mutate(s);
    const problems = schemaProblems(strict, s);
    assert.ok(problems.some((p) => p.path === path), `${title}: ${JSON.stringify(problems)}`);
  }
});
