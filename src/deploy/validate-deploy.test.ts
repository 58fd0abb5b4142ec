// The table of invalid fn.yaml deploy configs: each must be refused before anything reaches a
// cluster, with a message that names the fn.yaml field and says what is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../config/fn-yaml.js';
import { FnkitError } from '../errors.js';
import { deployProblems, validateDeploySection } from './validate-deploy.js';

const FILE = '/fns/hello/fn.yaml';

/** parse (shape) + validateDeploySection (rules): the error a user would see, or undefined. */
function errorFor(yaml: string): FnkitError | undefined {
  try {
    validateDeploySection(parseFunction(yaml, FILE));
    return undefined;
  } catch (err) {
    if (err instanceof FnkitError) return err;
    throw err;
  }
}

const INVALID: Array<[title: string, yaml: string, message: RegExp]> = [
  ['unknown deploy key', 'deploy: {scael: {min: 1}}', /unknown field "deploy\.scael"/],
  ['name too long for a Service', `name: ${'a'.repeat(64)}`, /field "name" must NOT have more than 63 characters/],
  ['timeout above Knative max', 'timeout: 15m', /field "timeout" must be at most 600s/],
  ['namespace not a DNS-1123 label', 'deploy: {namespace: Team_A}', /field "deploy\.namespace" must be a DNS-1123 label.*"Team_A"/],
  ['min-scale negative', 'deploy: {scale: {min: -1}}', /field "deploy\.scale\.min" must be a whole number from 0/],
  ['max below min', 'deploy: {scale: {min: 5, max: 2}}', /field "deploy\.scale\.max" must be at least deploy\.scale\.min \(5\)/],
  ['min-scale not a whole number', 'deploy: {scale: {min: 1.5}}', /field "deploy\.scale\.min" must be integer/],
  ['initial-scale zero', 'deploy: {scale: {initial: 0}}', /field "deploy\.scale\.initial" must be at least 1/],
  ['initial above max', 'deploy: {scale: {initial: 9, max: 3}}', /field "deploy\.scale\.initial" must not exceed deploy\.scale\.max \(3\)/],
  ['target zero', 'deploy: {scale: {target: 0}}', /field "deploy\.scale\.target" must be at least 0\.01/],
  ['utilization above 100', 'deploy: {scale: {utilization: 150}}', /field "deploy\.scale\.utilization" must be a percentage from 1 to 100/],
  ['window below 6s', 'deploy: {scale: {window: 5s}}', /field "deploy\.scale\.window" must be whole seconds from 6s to 1h/],
  ['window above 1h', 'deploy: {scale: {window: 2h}}', /field "deploy\.scale\.window" must be whole seconds from 6s to 1h/],
  ['window not whole seconds', 'deploy: {scale: {window: 6500ms}}', /field "deploy\.scale\.window" must be whole seconds/],
  ['window unreadable', 'deploy: {scale: {window: soon}}', /field "deploy\.scale\.window" must be a duration like "60s"/],
  ['window with the cpu metric (HPA)', 'deploy: {scale: {metric: cpu, window: 60s}}', /field "deploy\.scale\.window" applies only to the concurrency and rps metrics/],
  ['unknown metric', 'deploy: {scale: {metric: latency}}', /field "deploy\.scale\.metric" must be one of "concurrency", "rps", "cpu", "memory"/],
  ['containerConcurrency above 1000', 'deploy: {concurrency: 5000}', /field "deploy\.concurrency" must be between 0 \(unlimited\) and 1000/],
  ['lambda concurrency above the worker pool', 'runtime: lambda\nlambda: {concurrency: 4}\ndeploy: {concurrency: 10}', /field "deploy\.concurrency" must be between 1 and lambda\.concurrency \(4\) for runtime lambda, got 10/],
  ['lambda concurrency unlimited', 'runtime: lambda\ndeploy: {concurrency: 0}', /field "deploy\.concurrency" must be between 1 and lambda\.concurrency \(1\)/],
  ['containerConcurrency negative', 'deploy: {concurrency: -1}', /field "deploy\.concurrency" must be between 0/],
  ['cpu not a quantity', 'deploy: {resources: {limits: {cpu: lots}}}', /field "deploy\.resources\.limits\.cpu" must be a positive Kubernetes quantity like "500m"/],
  ['memory with a bad unit', 'deploy: {resources: {requests: {memory: 128MB}}}', /field "deploy\.resources\.requests\.memory" must be a positive Kubernetes quantity/],
  ['cpu negative', 'deploy: {resources: {requests: {cpu: -0.5}}}', /field "deploy\.resources\.requests\.cpu" must be a positive Kubernetes quantity/],
  ['cpu as a list', 'deploy: {resources: {requests: {cpu: [1]}}}', /field "deploy\.resources\.requests\.cpu" must be string,number/],
  ['request above limit', 'deploy: {resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}}', /field "deploy\.resources\.requests\.memory" must not exceed deploy\.resources\.limits\.memory \(1Gi\)/],
  ['unknown resource', 'deploy: {resources: {limits: {gpu: 1}}}', /unknown field "deploy\.resources\.limits\.gpu"/],
  ['reserved env PORT', 'env: {PORT: "9000"}', /field "env\.PORT" uses "PORT", which Knative sets itself/],
  ['reserved env K_SERVICE via a secret', 'deploy: {secrets: {K_SERVICE: s/k}}', /field "deploy\.secrets\.K_SERVICE" uses "K_SERVICE"/],
  ['env FN_TIMEOUT set by hand', 'env: {FN_TIMEOUT: "5"}', /field "env\.FN_TIMEOUT" uses "FN_TIMEOUT", which fnkit sets from fn\.yaml .*change timeout or invoker\.\* instead/],
  ['env FN_BODY_LIMIT from a ConfigMap', 'deploy: {configMaps: {FN_BODY_LIMIT: c/k}}', /field "deploy\.configMaps\.FN_BODY_LIMIT" uses "FN_BODY_LIMIT", which fnkit sets/],
  ['secret ref without a key', 'deploy: {secrets: {DB_PASS: db-creds}}', /field "deploy\.secrets\.DB_PASS" must be "<secret-name>\/<key>"/],
  ['configMap ref with a bad name', 'deploy: {configMaps: {LEVEL: App_Settings/level}}', /field "deploy\.configMaps\.LEVEL" must be "<configmap-name>\/<key>"/],
  ['env name set twice', 'env: {DB: x}\ndeploy: {secrets: {DB: s/k}}', /field "deploy\.secrets\.DB" sets "DB", which env\.DB already sets/],
  ['envFrom with both kinds', 'deploy: {envFrom: [{secret: a, configMap: b}]}', /field "deploy\.envFrom\[0\]" must have exactly one of "secret" or "configMap"/],
  ['envFrom with neither', 'deploy: {envFrom: [{}]}', /field "deploy\.envFrom\[0\]" must have exactly one/],
  ['envFrom bad name', 'deploy: {envFrom: [{secret: "My Secret"}]}', /field "deploy\.envFrom\[0\]\.secret" must be a name/],
  ['traffic not summing to 100', 'deploy: {traffic: [{revision: hello-00001, percent: 50}, {latest: true, percent: 30}]}', /field "deploy\.traffic" percentages must add up to exactly 100, got 80/],
  ['traffic percent above 100', 'deploy: {traffic: [{latest: true, percent: 150}]}', /field "deploy\.traffic\[0\]\.percent" must be from 0 to 100/],
  ['traffic revision of another service', 'deploy: {traffic: [{revision: other-00001, percent: 100}]}', /field "deploy\.traffic\[0\]\.revision" must be a revision of this function, named "hello-\.\.\."/],
  ['traffic entry with revision and latest', 'deploy: {traffic: [{revision: hello-00001, latest: true, percent: 100}]}', /field "deploy\.traffic\[0\]" must have either "revision" or "latest: true", not both/],
  ['traffic entry with neither', 'deploy: {traffic: [{percent: 100}]}', /field "deploy\.traffic\[0\]" must name a "revision" or set "latest: true"/],
  ['traffic tag not DNS-1035', 'deploy: {traffic: [{latest: true, percent: 100, tag: Canary_1}]}', /field "deploy\.traffic\[0\]\.tag" must be a DNS-1035 label/],
  ['traffic tag repeated', 'deploy: {traffic: [{revision: hello-00001, percent: 50, tag: a}, {latest: true, percent: 50, tag: a}]}', /field "deploy\.traffic\[1\]\.tag" repeats the tag "a"/],
  ['traffic without percent', 'deploy: {traffic: [{latest: true}]}', /missing required field "deploy\.traffic\.0\.percent"/],
  ['visibility unknown', 'deploy: {visibility: private}', /field "deploy\.visibility" must be one of "public", "cluster-local"/],
  ['subscription without filters', 'deploy: {subscriptions: [{broker: default, filters: {}}]}', /field "deploy\.subscriptions\[0\]\.filters" must match at least one attribute/],
  ['subscription filter key not a CE attribute', 'deploy: {subscriptions: [{broker: default, filters: {Type: a}}]}', /field "deploy\.subscriptions\[0\]\.filters\.Type" must be a CloudEvents attribute name/],
  ['subscription with an absolute URL path', 'deploy: {subscriptions: [{broker: default, filters: {type: a}, path: "http://x/y"}]}', /field "deploy\.subscriptions\[0\]\.path" must be an absolute path on the function like "\/events"/],
  ['subscription broker name invalid', 'deploy: {subscriptions: [{broker: My_Broker, filters: {type: a}}]}', /field "deploy\.subscriptions\[0\]\.broker" must be a Broker name/],
  ['subscription repeated', 'deploy: {subscriptions: [{broker: b, filters: {type: a}}, {broker: b, filters: {type: a}, path: /x}]}', /field "deploy\.subscriptions\[1\]" repeats deploy\.subscriptions\[0\]/],
  ['subscription without broker', 'deploy: {subscriptions: [{filters: {type: a}}]}', /missing required field "deploy\.subscriptions\.0\.broker"/],
  ['service account name invalid', 'deploy: {serviceAccountName: Runner!}', /field "deploy\.serviceAccountName" must be a DNS subdomain/],
  ['image pull secret repeated', 'deploy: {imagePullSecrets: [regcred, regcred]}', /field "deploy\.imagePullSecrets\[1\]" repeats "regcred"/],
  ['label overriding a fnkit label', 'deploy: {labels: {app.kubernetes.io/managed-by: me}}', /field "deploy\.labels\.app\.kubernetes\.io\/managed-by" is set by fnkit itself/],
  ['label value too long', `deploy: {labels: {team: ${'x'.repeat(64)}}}`, /field "deploy\.labels\.team" has an invalid value .*at most 63 characters/],
  ['label key with two slashes', 'deploy: {labels: {a/b/c: x}}', /field "deploy\.labels\.a\/b\/c" has an invalid key: a key has at most one "\/"/],
  ['autoscaling annotation on the Service', 'deploy: {annotations: {autoscaling.knative.dev/min-scale: "1"}}', /field "deploy\.annotations\.autoscaling\.knative\.dev\/min-scale" is an autoscaling annotation.*use deploy\.scale/],
  ['annotation key with a bad prefix', 'deploy: {annotations: {"Example.COM/x": y}}', /field "deploy\.annotations\.Example\.COM\/x" has an invalid key: the prefix "Example\.COM" must be a DNS subdomain/],
  ['visibility as a hand-written label', 'deploy: {labels: {networking.knative.dev/visibility: cluster-local}}', /is set by fnkit itself; remove it \(use deploy\.visibility/],
];

test(`the invalid fn.yaml table (${INVALID.length} rows): each refused, naming its field`, () => {
  assert.ok(INVALID.length >= 25);
  for (const [title, deploy, message] of INVALID) {
    const yaml = deploy.startsWith('name:') ? deploy : `name: hello\n${deploy}\n`;
    const err = errorFor(yaml);
    assert.ok(err, `${title}: expected an error`);
    assert.match(err.message, message, title);
    assert.ok(err.message.startsWith(`${FILE}: `), `${title}: the message starts with the file`);
    assert.equal(err.code, 'FN_ERR_FN_YAML_INVALID', title);
  }
});

test('a full valid deploy section passes', () => {
  const yaml = `name: hello
timeout: 10m
env: {GREETING: hi}
deploy:
  namespace: team-a
  scale: {min: 0, max: 0, initial: 1, target: 100, metric: concurrency, window: 1m, utilization: 70}
  concurrency: 1000
  resources: {requests: {cpu: 250m, memory: 128Mi}, limits: {cpu: 2, memory: 1Gi}}
  envFrom: [{secret: api-keys}, {configMap: settings}]
  secrets: {DB_PASSWORD: db-creds/password}
  configMaps: {LOG_LEVEL: settings/log.level}
  visibility: cluster-local
  traffic: [{revision: hello-00001, percent: 90, tag: stable}, {latest: true, percent: 10, tag: canary}]
  subscriptions: [{broker: default, filters: {type: order.created, source: /shop}, path: /events}]
  serviceAccountName: fn-runner
  imagePullSecrets: [regcred]
  annotations: {serving.knative.dev/rollout-duration: 60s, example.com/owner: alice}
  labels: {team: a}
`;
  assert.equal(errorFor(yaml), undefined);
  // The invoker knobs fnkit does not set stay the user's; a revision entry may say latest: false.
  assert.equal(errorFor('name: hello\nenv: {FN_DEV: "1", FN_GRACE: "10", LOG_LEVEL: debug}\n'), undefined);
  assert.equal(errorFor('name: hello\ndeploy: {traffic: [{revision: hello-00001, latest: false, percent: 100}]}\n'), undefined);
});

test('every problem is reported at once, with the first field in data', () => {
  const err = errorFor('name: hello\ndeploy: {concurrency: 2000, scale: {min: 3, max: 1}}\n');
  assert.ok(err);
  assert.match(err.message, /deploy\.scale\.max.*; field "deploy\.concurrency"/);
  const problems = (err.data as { problems: Array<{ field: string }> }).problems;
  assert.deepEqual(problems.map((p) => p.field), ['deploy.scale.max', 'deploy.concurrency']);
  assert.equal(err.data!.field, 'deploy.scale.max');
});

test('a spec without a file (from a Function resource) names the function instead', () => {
  const spec = { ...parseFunction('name: hello\ndeploy: {concurrency: 2000}\n', FILE), file: '', dir: '' };
  assert.throws(() => validateDeploySection(spec), /^FnkitError: function "hello": field "deploy\.concurrency"/);
  assert.equal(deployProblems({ ...spec, deploy: {} }).length, 0);
});
