// One row per Knative webhook rule (schemas/VALIDATION.md) fnkit checks on a Service: a valid
// generated Service is broken in exactly one way, and the validator must name that field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../config/fn-yaml.js';
import { FnkitError } from '../errors.js';
import { toKnativeService } from './manifest.js';
import { serviceProblems, validateService } from './validate.js';
import { serviceRuleProblems } from './validate-service.js';

const IMAGE = `reg.example.com/fns/hello@sha256:${'ab'.repeat(32)}`;
type Svc = Record<string, any>;
const fresh = (): Svc => JSON.parse(JSON.stringify(toKnativeService(parseFunction('name: hello\ndeploy: {scale: {min: 1, max: 4}}\n', '/f/fn.yaml'), IMAGE)));
const ctr = (s: Svc) => s.spec.template.spec.containers[0];
const ann = (s: Svc) => s.spec.template.metadata.annotations;
const A = 'autoscaling.knative.dev/';
/** Index of the next env entry pushed onto the generated container (it holds the FN_* settings). */
const BASE_ENV = ctr(fresh()).env.length;

const RULES: Array<[rule: string, mutate: (s: Svc) => void, path: string, message: RegExp]> = [
  ['metadata.name is a DNS-1035 label', (s) => (s.metadata.name = 'Hello_World'), 'metadata.name', /DNS-1035/],
  ['metadata.name is required', (s) => delete s.metadata.name, 'metadata.name', /DNS-1035 label.*undefined/],
  ['metadata.name at most 63 characters', (s) => (s.metadata.name = 'a'.repeat(64)), 'metadata.name', /at most 63/],
  ['namespace is a DNS-1123 label', (s) => (s.metadata.namespace = 'NS'), 'metadata.namespace', /DNS-1123/],
  ['label keys are qualified names', (s) => (s.metadata.labels['-bad'] = 'x'), 'metadata.labels.-bad', /invalid key/],
  ['label values are label values', (s) => (s.spec.template.metadata.labels.team = 'has space'), 'spec.template.metadata.labels.team', /invalid value/],
  ['annotation keys are qualified names', (s) => (s.metadata.annotations = { 'a/b/c': 'x' }), 'metadata.annotations.a/b/c', /at most one "\/"/],
  ['annotations at most 256 KiB', (s) => (s.metadata.annotations = { big: 'x'.repeat(300000) }), 'metadata.annotations', /262144/],
  ['no autoscaling annotations on the Service', (s) => (s.metadata.annotations = { [`${A}min-scale`]: '1' }), `metadata.annotations.${A}min-scale`, /must be put under spec\.template\.metadata\.annotations/],
  ['rollout-duration whole seconds', (s) => (s.metadata.annotations = { 'serving.knative.dev/rollout-duration': '1.5s' }), 'metadata.annotations.serving.knative.dev/rollout-duration', /whole-second/],
  ['revision name prefixed with <service>-', (s) => (s.spec.template.metadata.name = 'other-v1'), 'spec.template.metadata.name', /starting with "hello-"/],
  ['autoscaling class', (s) => (ann(s)[`${A}class`] = 'custom.knative.dev'), `spec.template.metadata.annotations.${A}class`, /kpa\.autoscaling\.knative\.dev, hpa/],
  ['min-scale an int >= 0', (s) => (ann(s)[`${A}min-scale`] = '-1'), `spec.template.metadata.annotations.${A}min-scale`, /whole number from 0/],
  ['max-scale >= min-scale', (s) => Object.assign(ann(s), { [`${A}min-scale`]: '5', [`${A}max-scale`]: '2' }), `spec.template.metadata.annotations.${A}max-scale`, /at least min-scale \(5\)/],
  ['initial-scale >= 1 by default', (s) => (ann(s)[`${A}initial-scale`] = '0'), `spec.template.metadata.annotations.${A}initial-scale`, /from 1/],
  ['activation-scale >= 2', (s) => (ann(s)[`${A}activation-scale`] = '1'), `spec.template.metadata.annotations.${A}activation-scale`, /from 2/],
  ['KPA metric concurrency or rps', (s) => (ann(s)[`${A}metric`] = 'cpu'), `spec.template.metadata.annotations.${A}metric`, /concurrency or rps with the KPA class/],
  ['target >= 0.01', (s) => (ann(s)[`${A}target`] = '0'), `spec.template.metadata.annotations.${A}target`, /from 0\.01/],
  ['target-utilization-percentage in [1,100]', (s) => (ann(s)[`${A}target-utilization-percentage`] = '101'), `spec.template.metadata.annotations.${A}target-utilization-percentage`, /from 1 to 100/],
  ['target-burst-capacity >= 0 or -1', (s) => (ann(s)[`${A}target-burst-capacity`] = '-2'), `spec.template.metadata.annotations.${A}target-burst-capacity`, /or -1/],
  ['window in [6s,1h]', (s) => (ann(s)[`${A}window`] = '5s'), `spec.template.metadata.annotations.${A}window`, /6s to 1h/],
  ['panic-window-percentage in [1,100]', (s) => (ann(s)[`${A}panic-window-percentage`] = '0'), `spec.template.metadata.annotations.${A}panic-window-percentage`, /from 1 to 100/],
  ['panic-threshold-percentage in [110,1000]', (s) => (ann(s)[`${A}panic-threshold-percentage`] = '100'), `spec.template.metadata.annotations.${A}panic-threshold-percentage`, /from 110 to 1000/],
  ['scale-down-delay at most 1h', (s) => (ann(s)[`${A}scale-down-delay`] = '2h'), `spec.template.metadata.annotations.${A}scale-down-delay`, /0 to 1h/],
  ['metric-aggregation-algorithm', (s) => (ann(s)[`${A}metric-aggregation-algorithm`] = 'max'), `spec.template.metadata.annotations.${A}metric-aggregation-algorithm`, /linear or weighted-exponential/],
  ['networking annotations allow-list', (s) => (ann(s)['networking.knative.dev/visibility'] = 'cluster-local'), 'spec.template.metadata.annotations.networking.knative.dev/visibility', /not an allowed networking/],
  ['queue sidecar resources are quantities', (s) => (ann(s)['queue.sidecar.serving.knative.dev/cpu-resource-request'] = 'lots'), 'spec.template.metadata.annotations.queue.sidecar.serving.knative.dev/cpu-resource-request', /quantity/],
  ['progress-deadline whole seconds', (s) => (ann(s)['serving.knative.dev/progress-deadline'] = '10.5s'), 'spec.template.metadata.annotations.serving.knative.dev/progress-deadline', /whole-second/],
  ['timeoutSeconds <= 600', (s) => (s.spec.template.spec.timeoutSeconds = 601), 'spec.template.spec.timeoutSeconds', /from 0 to 600/],
  ['containerConcurrency <= 1000', (s) => (s.spec.template.spec.containerConcurrency = 1001), 'spec.template.spec.containerConcurrency', /from 0 to 1000/],
  ['automountServiceAccountToken only false', (s) => (s.spec.template.spec.automountServiceAccountToken = true), 'spec.template.spec.automountServiceAccountToken', /only be false/],
  ['serviceAccountName a DNS subdomain', (s) => (s.spec.template.spec.serviceAccountName = 'Bad Name'), 'spec.template.spec.serviceAccountName', /DNS subdomain/],
  ['at least one container', (s) => (s.spec.template.spec.containers = []), 'spec.template.spec.containers', /at least one/],
  ['queue-proxy container name reserved', (s) => (ctr(s).name = 'queue-proxy'), 'spec.template.spec.containers[0].name', /reserved/],
  ['exactly one container declares ports', (s) => s.spec.template.spec.containers.push({ ...ctr(s), name: 'side' }), 'spec.template.spec.containers', /exactly one container must declare ports/],
  ['container names unique', (s) => s.spec.template.spec.containers.push({ name: 'user-container', image: IMAGE, securityContext: ctr(s).securityContext }), 'spec.template.spec.containers[1].name', /repeats/],
  ['image required', (s) => delete ctr(s).image, 'spec.template.spec.containers[0].image', /required/],
  ['image pinned by digest (fnkit)', (s) => (ctr(s).image = 'reg/hello:latest'), 'spec.template.spec.containers[0].image', /pinned by digest/],
  ['terminationMessagePolicy values', (s) => (ctr(s).terminationMessagePolicy = 'Never'), 'spec.template.spec.containers[0].terminationMessagePolicy', /File or FallbackToLogsOnError/],
  ['at most one port', (s) => ctr(s).ports.push({ containerPort: 9000 }), 'spec.template.spec.containers[0].ports', /only one port/],
  ['port: no hostPort', (s) => (ctr(s).ports[0].hostPort = 80), 'spec.template.spec.containers[0].ports[0].hostPort', /not allowed/],
  ['port protocol TCP', (s) => (ctr(s).ports[0].protocol = 'UDP'), 'spec.template.spec.containers[0].ports[0].protocol', /TCP/],
  ['port name http1 or h2c', (s) => (ctr(s).ports[0].name = 'http'), 'spec.template.spec.containers[0].ports[0].name', /"http1" or "h2c"/],
  ['port range', (s) => (ctr(s).ports[0].containerPort = 70000), 'spec.template.spec.containers[0].ports[0].containerPort', /0-65535/],
  ...[8012, 8013, 8022, 9090, 9091, 8008].map((port): [string, (s: Svc) => void, string, RegExp] => [
    `reserved port ${port}`, (s) => (ctr(s).ports[0].containerPort = port), 'spec.template.spec.containers[0].ports[0].containerPort', /reserved by Knative/,
  ]),
  ...['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'].map((name): [string, (s: Svc) => void, string, RegExp] => [
    `reserved env ${name}`, (s) => ctr(s).env.push({ name, value: 'x' }), `spec.template.spec.containers[0].env[${BASE_ENV}].name`, /reserved by Knative/,
  ]),
  ['env names unique', (s) => ctr(s).env.push({ name: 'FN_TIMEOUT', value: '1' }), `spec.template.spec.containers[0].env[${BASE_ENV}].name`, /repeats "FN_TIMEOUT"/],
  ['env valueFrom only key refs', (s) => ctr(s).env.push({ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }), `spec.template.spec.containers[0].env[${BASE_ENV}].valueFrom`, /secretKeyRef or configMapKeyRef/],
  ['envFrom one ref per entry', (s) => (ctr(s).envFrom = [{ secretRef: { name: 'a' }, configMapRef: { name: 'b' } }]), 'spec.template.spec.containers[0].envFrom[0]', /exactly one/],
  ['probe has exactly one handler', (s) => (ctr(s).livenessProbe.tcpSocket = {}), 'spec.template.spec.containers[0].livenessProbe', /exactly one handler/],
  ['probe port is the container port', (s) => (ctr(s).readinessProbe.httpGet.port = 9000), 'spec.template.spec.containers[0].readinessProbe.httpGet.port', /container port/],
  ['named probe port is the port name', (s) => (ctr(s).livenessProbe.httpGet.port = 'h2c'), 'spec.template.spec.containers[0].livenessProbe.httpGet.port', /container port/],
  ['readiness with periodSeconds 0: no failureThreshold', (s) => (ctr(s).readinessProbe.failureThreshold = 3), 'spec.template.spec.containers[0].readinessProbe.failureThreshold', /0 or unset/],
  ['readiness successThreshold >= 1', (s) => (ctr(s).readinessProbe.successThreshold = 0), 'spec.template.spec.containers[0].readinessProbe.successThreshold', />= 1/],
  ['readiness with periodSeconds: timeoutSeconds >= 1', (s) => Object.assign(ctr(s).readinessProbe, { periodSeconds: 5, timeoutSeconds: 0 }), 'spec.template.spec.containers[0].readinessProbe.timeoutSeconds', />= 1/],
  ['resources are quantities', (s) => (ctr(s).resources = { limits: { cpu: 'a lot' } }), 'spec.template.spec.containers[0].resources.limits.cpu', /quantity/],
  ['request <= limit', (s) => (ctr(s).resources = { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }), 'spec.template.spec.containers[0].resources.requests.memory', /less than or equal/],
  ['privileged only false', (s) => (ctr(s).securityContext.privileged = true), 'spec.template.spec.containers[0].securityContext.privileged', /only be false/],
  ['no added capabilities', (s) => (ctr(s).securityContext.capabilities.add = ['NET_ADMIN']), 'spec.template.spec.containers[0].securityContext.capabilities.add', /addcapabilities/],
  ['runAsUser range', (s) => (ctr(s).securityContext.runAsUser = -1), 'spec.template.spec.containers[0].securityContext.runAsUser', /0\.\.2147483647/],
  ['restricted: runAsNonRoot', (s) => (ctr(s).securityContext.runAsNonRoot = false), 'spec.template.spec.containers[0].securityContext.runAsNonRoot', /must be true/],
  ['restricted: no privilege escalation', (s) => delete ctr(s).securityContext.allowPrivilegeEscalation, 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', /must be false/],
  ['restricted: drop ALL', (s) => (ctr(s).securityContext.capabilities.drop = ['NET_RAW']), 'spec.template.spec.containers[0].securityContext.capabilities.drop', /ALL/],
  ['restricted: RuntimeDefault seccomp', (s) => (ctr(s).securityContext.seccompProfile.type = 'Unconfined'), 'spec.template.spec.containers[0].securityContext.seccompProfile.type', /RuntimeDefault/],
  ['traffic sums to 100', (s) => (s.spec.traffic = [{ latestRevision: true, percent: 60 }]), 'spec.traffic', /sum to 100, got 60/],
  ['traffic percent in [0,100]', (s) => (s.spec.traffic = [{ latestRevision: true, percent: 150 }, { revisionName: 'hello-1', percent: -50 }]), 'spec.traffic[0].percent', /0-100/],
  ['traffic: no configurationName', (s) => (s.spec.traffic = [{ configurationName: 'hello', percent: 100 }]), 'spec.traffic[0].configurationName', /not allowed/],
  ['traffic: no url', (s) => (s.spec.traffic[0].url = 'http://x'), 'spec.traffic[0].url', /not allowed/],
  ['traffic: revisionName xor latestRevision', (s) => (s.spec.traffic[0].revisionName = 'hello-00001'), 'spec.traffic[0]', /not set both/],
  ['traffic: latestRevision false needs a revisionName', (s) => (s.spec.traffic[0].latestRevision = false), 'spec.traffic[0].revisionName', /required when latestRevision is false/],
  ['traffic revision prefixed with <service>-', (s) => (s.spec.traffic = [{ revisionName: 'world-00001', percent: 100 }]), 'spec.traffic[0].revisionName', /revision of "hello"/],
  ['traffic tag DNS-1035', (s) => (s.spec.traffic[0].tag = '1canary'), 'spec.traffic[0].tag', /DNS-1035/],
  ['traffic tags unique', (s) => (s.spec.traffic = [{ latestRevision: true, percent: 50, tag: 'a' }, { revisionName: 'hello-1', percent: 50, tag: 'a' }]), 'spec.traffic[1].tag', /repeats "a"/],
];

test(`webhook rules (${RULES.length}): each broken field is named`, () => {
  assert.deepEqual(serviceProblems(fresh()), [], 'the generated Service is valid');
  for (const [rule, mutate, path, message] of RULES) {
    const svc = fresh();
    mutate(svc);
    const problems = serviceRuleProblems(svc);
    const hit = problems.find((p) => p.path === path);
    assert.ok(hit, `${rule}: expected a problem at ${path}, got ${JSON.stringify(problems)}`);
    assert.match(hit.message, message, rule);
  }
});

test('cluster settings can relax the defaults (max timeout, concurrency limit)', () => {
  const svc = fresh();
  svc.spec.template.spec.timeoutSeconds = 900;
  svc.spec.template.spec.containerConcurrency = 2000;
  assert.equal(serviceRuleProblems(svc).length, 2);
  assert.deepEqual(serviceRuleProblems(svc, { maxTimeoutSeconds: 3600, maxContainerConcurrency: 5000 }), []);
});

test('validateService throws FN_ERR_INVALID_SERVICE with every path in the message', () => {
  const svc = fresh();
  ctr(svc).ports[0].containerPort = 8012;
  ctr(svc).env.push({ name: 'PORT', value: '1' });
  assert.throws(() => validateService(svc), (e: FnkitError) =>
    e.code === 'FN_ERR_INVALID_SERVICE' &&
    e.message.startsWith('Knative Service "hello" would be rejected by the cluster:') &&
    e.message.includes('spec.template.spec.containers[0].ports[0].containerPort: 8012 is reserved') &&
    e.message.includes(`spec.template.spec.containers[0].env[${BASE_ENV}].name: "PORT" is reserved`));
  assert.throws(() => validateService('nope'), /FN_ERR_INVALID_SERVICE|must be an object/);
  assert.throws(() => validateService({ ...fresh(), kind: 'Route' }), /kind: must be Service/);
});

test('junk of any shape gets problems, never a crash', () => {
  const junk: unknown[] = [
    null, undefined, 42, 'svc', [], {}, { apiVersion: 'serving.knative.dev/v1', kind: 'Service' },
    { metadata: null, spec: null },
    { metadata: { name: 'x', labels: 'a', annotations: [1] }, spec: { template: 'x', traffic: 'all' } },
    { metadata: { name: 'x' }, spec: { template: { metadata: { annotations: { [`${A}min-scale`]: 5 } }, spec: { containers: [null, 1, 'c'] } }, traffic: [null, 1] } },
    { metadata: { name: 'x' }, spec: { template: { spec: { containers: [{ ports: [null], env: [null, { name: 3 }], envFrom: [null], readinessProbe: 'x', livenessProbe: { httpGet: 'x' }, resources: { requests: 5, limits: { cpu: {} } }, securityContext: { capabilities: 'x', seccompProfile: 1 } }] } } } },
  ];
  for (const j of junk) {
    const problems = serviceProblems(j);
    assert.ok(Array.isArray(problems) && problems.length > 0, JSON.stringify(j));
    for (const p of problems) assert.ok(typeof p.path === 'string' && typeof p.message === 'string');
  }
});
