import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parseFunction } from '../config/fn-yaml.js';
import { FnkitError } from '../errors.js';
import { containerConcurrency, renderFunction, scaleAnnotations, toKnativeService } from './manifest.js';
import { serviceProblems } from './validate.js';

const IMAGE = `127.0.0.1:5000/fns/hello@sha256:${'0123456789abcdef'.repeat(4)}`;
const spec = (yaml: string) => parseFunction(yaml, '/fns/hello/fn.yaml');
const envOf = (svc: ReturnType<typeof toKnativeService>) =>
  Object.fromEntries(svc.spec.template.spec.containers[0].env.map((e) => [e.name, e.value ?? e.valueFrom]));

test('a minimal function renders the Service issue 5 describes', () => {
  const svc = toKnativeService(spec('name: hello\n'), IMAGE);
  const c = svc.spec.template.spec.containers[0];
  assert.equal(svc.apiVersion, 'serving.knative.dev/v1');
  assert.equal(svc.metadata.name, 'hello');
  assert.equal(svc.metadata.namespace, undefined);
  assert.equal(c.image, IMAGE);
  assert.deepEqual(c.ports, [{ name: 'http1', containerPort: 8080, protocol: 'TCP' }]);
  assert.deepEqual(c.readinessProbe, { httpGet: { path: '/health/readiness' } });
  assert.deepEqual(c.livenessProbe, { httpGet: { path: '/health/liveness' } });
  assert.deepEqual(c.securityContext, {
    runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
  });
  const labels = {
    'app.kubernetes.io/name': 'hello', 'app.kubernetes.io/component': 'function', 'app.kubernetes.io/managed-by': 'fnkit',
    'fnkit.dev/function': 'hello', 'fnkit.dev/runtime': 'node',
  };
  assert.deepEqual(svc.metadata.labels, labels);
  assert.deepEqual(svc.spec.template.metadata.labels, labels);
  assert.equal(svc.spec.template.metadata.annotations, undefined);
  assert.deepEqual(svc.spec.traffic, [{ latestRevision: true, percent: 100 }]);
  assert.equal(svc.spec.template.spec.timeoutSeconds, 300);
  assert.equal(svc.spec.template.spec.containerConcurrency, 0);
  assert.equal(envOf(svc).FN_TIMEOUT, '300');
  assert.deepEqual(serviceProblems(svc), []);
});

test('an unchanged function renders byte-identical output, whatever the key order in fn.yaml', () => {
  const a = spec('name: hello\nenv: {B: "2", A: "1"}\ndeploy:\n  labels: {z: "1", a: "2"}\n  scale: {max: 3, min: 1}\n  secrets: {S2: s/k, S1: s/k}\n');
  const b = spec('deploy:\n  secrets: {S1: s/k, S2: s/k}\n  scale: {min: 1, max: 3}\n  labels: {a: "2", z: "1"}\nenv: {A: "1", B: "2"}\nname: hello\n');
  const ya = stringify(toKnativeService(a, IMAGE, { namespace: 'ns' }));
  const yb = stringify(toKnativeService(b, IMAGE, { namespace: 'ns' }));
  assert.equal(ya, yb);
  assert.equal(JSON.stringify(toKnativeService(a, IMAGE)), JSON.stringify(toKnativeService(a, IMAGE)));
  assert.doesNotMatch(ya, /BUILT|\d{4}-\d\d-\d\dT/);
  // ...and a real change does change it.
  const c = spec('name: hello\nenv: {A: "1", B: "3"}\ndeploy:\n  labels: {z: "1", a: "2"}\n  scale: {max: 3, min: 1}\n  secrets: {S2: s/k, S1: s/k}\n');
  assert.notEqual(stringify(toKnativeService(c, IMAGE, { namespace: 'ns' })), ya);
  assert.notEqual(stringify(toKnativeService(a, IMAGE.replace(/0123/, '4567'), { namespace: 'ns' })), ya);
});

test('refuses an image that is not pinned by digest', () => {
  for (const image of ['hello', 'reg/hello:latest', 'reg/hello@sha256:abc', 'reg/hello@sha512:' + 'a'.repeat(64), '', 'Reg Space/x@sha256:' + 'a'.repeat(64)]) {
    assert.throws(() => toKnativeService(spec('name: hello\n'), image), (e: FnkitError) => e.code === 'FN_ERR_IMAGE_NOT_PINNED' && e.message.includes('pinned by digest'), image);
  }
  // A tag next to the digest is fine: the digest wins.
  assert.equal(toKnativeService(spec('name: hello\n'), IMAGE.replace('@', ':v1@')).spec.template.spec.containers[0].image, IMAGE.replace('@', ':v1@'));
});

test('timeout becomes timeoutSeconds and FN_TIMEOUT, equal, rounded up to whole seconds', () => {
  for (const [timeout, secs] of [['30s', '30'], ['1.5', '2'], ['10m', '600'], [45, '45']] as const) {
    const svc = toKnativeService(spec(`name: hello\ntimeout: ${JSON.stringify(timeout)}\n`), IMAGE);
    assert.equal(String(svc.spec.template.spec.timeoutSeconds), secs);
    assert.equal(envOf(svc).FN_TIMEOUT, secs);
  }
});

test('invoker settings reach the container env and the probe paths', () => {
  const svc = toKnativeService(spec('name: hello\ninvoker: {bodyLimit: 1mb, reservedPrefix: /_fn, cloudevents: {replyMode: binary, replyType: t, replySource: /s}}\n'), IMAGE);
  const env = envOf(svc);
  assert.deepEqual([env.FN_BODY_LIMIT, env.FN_RESERVED_PREFIX, env.FN_CE_REPLY_MODE, env.FN_CE_REPLY_TYPE, env.FN_CE_REPLY_SOURCE], ['1048576', '/_fn', 'binary', 't', '/s']);
  const c = svc.spec.template.spec.containers[0];
  assert.equal(c.readinessProbe.httpGet.path, '/_fn/health/readiness');
  assert.equal(c.livenessProbe.httpGet.path, '/_fn/health/liveness');
});

test('containerConcurrency: deploy.concurrency, else the lambda pool size, else unlimited', () => {
  const cases: Array<[string, number]> = [
    ['name: a\n', 0],
    ['name: a\ndeploy: {concurrency: 10}\n', 10],
    ['name: a\nruntime: lambda\n', 1],
    ['name: a\nruntime: lambda\nlambda: {concurrency: 4}\n', 4],
    ['name: a\nruntime: lambda\nlambda: {concurrency: 4}\ndeploy: {concurrency: 2}\n', 2],
  ];
  for (const [yaml, want] of cases) {
    assert.equal(containerConcurrency(spec(yaml)), want, yaml);
    assert.equal(toKnativeService(spec(yaml), IMAGE).spec.template.spec.containerConcurrency, want);
  }
  assert.equal(toKnativeService(spec('name: a\nruntime: lambda\n'), IMAGE).metadata.labels!['fnkit.dev/runtime'], 'lambda');
});

test('deploy.scale maps to autoscaling annotations on the revision template only', () => {
  const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
    [{ min: 0, max: 10 }, { 'autoscaling.knative.dev/max-scale': '10', 'autoscaling.knative.dev/min-scale': '0' }],
    [{ initial: 2, target: 50, metric: 'rps' }, { 'autoscaling.knative.dev/initial-scale': '2', 'autoscaling.knative.dev/metric': 'rps', 'autoscaling.knative.dev/target': '50' }],
    [{ window: '2m' }, { 'autoscaling.knative.dev/window': '120s' }],
    [{ window: 30 }, { 'autoscaling.knative.dev/window': '30s' }],
    [{ metric: 'cpu', utilization: 70 }, { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'cpu', 'autoscaling.knative.dev/target-utilization-percentage': '70' }],
    [{ metric: 'memory', target: 200 }, { 'autoscaling.knative.dev/class': 'hpa.autoscaling.knative.dev', 'autoscaling.knative.dev/metric': 'memory', 'autoscaling.knative.dev/target': '200' }],
  ];
  for (const [scale, want] of cases) {
    assert.deepEqual(scaleAnnotations(scale), want);
    const svc = toKnativeService(spec(`name: hello\ndeploy: {scale: ${JSON.stringify(scale)}}\n`), IMAGE);
    assert.deepEqual(svc.spec.template.metadata.annotations, want);
    assert.equal(svc.metadata.annotations, undefined);
    assert.deepEqual(serviceProblems(svc), []);
  }
});

test('env from Secrets and ConfigMaps, by key and whole', () => {
  const svc = toKnativeService(spec(`name: hello
env: {PLAIN: x}
deploy:
  secrets: {DB_PASSWORD: db-creds/password}
  configMaps: {LOG_LEVEL: app-settings/log.level}
  envFrom: [{secret: api-keys}, {configMap: app-settings}]
`), IMAGE);
  const c = svc.spec.template.spec.containers[0];
  assert.deepEqual(c.env.find((e) => e.name === 'DB_PASSWORD'), { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } });
  assert.deepEqual(c.env.find((e) => e.name === 'LOG_LEVEL'), { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'app-settings', key: 'log.level' } } });
  assert.deepEqual(c.env.find((e) => e.name === 'PLAIN'), { name: 'PLAIN', value: 'x' });
  assert.deepEqual(c.envFrom, [{ secretRef: { name: 'api-keys' } }, { configMapRef: { name: 'app-settings' } }]);
  assert.deepEqual(c.env.map((e) => e.name), [...c.env.map((e) => e.name)].sort());
  assert.deepEqual(serviceProblems(svc), []);
});

test('resources, service account, pull secrets, labels, annotations, visibility, namespace', () => {
  const svc = toKnativeService(spec(`name: hello
deploy:
  namespace: team-a
  resources: {requests: {cpu: 250m, memory: 128Mi}, limits: {cpu: 1, memory: 1Gi}}
  serviceAccountName: fn-runner
  imagePullSecrets: [regcred]
  labels: {team: a}
  annotations: {example.com/owner: alice}
  visibility: cluster-local
`), IMAGE);
  const ps = svc.spec.template.spec;
  assert.equal(svc.metadata.namespace, 'team-a');
  assert.deepEqual(ps.containers[0].resources, { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } });
  assert.equal(ps.serviceAccountName, 'fn-runner');
  assert.deepEqual(ps.imagePullSecrets, [{ name: 'regcred' }]);
  assert.equal(svc.metadata.labels!.team, 'a');
  assert.equal(svc.spec.template.metadata.labels.team, 'a');
  assert.equal(svc.metadata.labels!['networking.knative.dev/visibility'], 'cluster-local');
  assert.equal(svc.spec.template.metadata.labels['networking.knative.dev/visibility'], undefined);
  assert.deepEqual(svc.metadata.annotations, { 'example.com/owner': 'alice' });
  const half = toKnativeService(spec('name: hello\ndeploy: {resources: {requests: {cpu: 0.5}}}\n'), IMAGE);
  assert.deepEqual(half.spec.template.spec.containers[0].resources, { requests: { cpu: '0.5' } });
  // The namespace option (flag, context) wins over fn.yaml.
  assert.equal(toKnativeService(spec('name: hello\ndeploy: {namespace: team-a}\n'), IMAGE, { namespace: 'other' }).metadata.namespace, 'other');
  assert.deepEqual(serviceProblems(svc), []);
});

test('traffic: a split between named revisions, and a tagged canary on latest', () => {
  const split = toKnativeService(spec('name: hello\ndeploy:\n  traffic: [{revision: hello-00001, percent: 80}, {revision: hello-00002, percent: 20}]\n'), IMAGE);
  assert.deepEqual(split.spec.traffic, [
    { revisionName: 'hello-00001', latestRevision: false, percent: 80 },
    { revisionName: 'hello-00002', latestRevision: false, percent: 20 },
  ]);
  const canary = toKnativeService(spec('name: hello\ndeploy:\n  traffic: [{revision: hello-00003, percent: 90, tag: stable}, {latest: true, percent: 10, tag: canary}]\n'), IMAGE);
  assert.deepEqual(canary.spec.traffic, [
    { revisionName: 'hello-00003', latestRevision: false, percent: 90, tag: 'stable' },
    { latestRevision: true, percent: 10, tag: 'canary' },
  ]);
  assert.deepEqual(serviceProblems(split), []);
  assert.deepEqual(serviceProblems(canary), []);
});

test('renderFunction returns the checked Service and owner-referenced Triggers', () => {
  const s = spec('name: hello\ndeploy:\n  subscriptions: [{broker: default, filters: {type: a.b}}, {broker: other, filters: {type: c, source: /x}, path: /ev}]\n');
  const { service, triggers } = renderFunction(s, IMAGE, { namespace: 'ns', serviceUid: 'uid-1' });
  assert.equal(service.metadata.name, 'hello');
  assert.equal(triggers.length, 2);
  assert.deepEqual(triggers[0]!.metadata.ownerReferences, [{ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello', uid: 'uid-1', controller: false, blockOwnerDeletion: true }]);
  assert.equal(triggers[1]!.spec.subscriber.uri, '/ev');
  assert.equal(renderFunction(s, IMAGE).triggers[0]!.metadata.ownerReferences, undefined);
  assert.throws(() => renderFunction(spec('name: hello\ndeploy: {scale: {min: 5, max: 2}}\n'), IMAGE), /deploy\.scale\.max/);
});
