import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../config/fn-yaml.js';
import { FnkitError } from '../errors.js';
import {
  FUNCTION_API_VERSION, FUNCTION_GROUP, FUNCTION_KIND, FUNCTION_PLURAL, FUNCTION_VERSION,
  functionCrd, functionOpenApiSchema, specFromFunctionResource, toFunctionResource,
} from './function-crd.js';
import { toKnativeService } from './manifest.js';
import { compileCrdSchema, schemaProblems } from './validate-crd.js';
import type { FunctionResource } from './types.js';

const IMAGE = `reg.example.com/fns/hello@sha256:${'9f'.repeat(32)}`;
const FULL = `name: hello
runtime: lambda
handler: src/app.handler
timeout: 45s
env: {A: "1"}
invoker: {bodyLimit: 2mb, reservedPrefix: /_fn}
lambda: {concurrency: 3, frontDoor: rest-api}
deploy:
  namespace: team-a
  scale: {min: 1, max: 5, window: 60s, metric: concurrency, target: 10}
  resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 1}}
  secrets: {PASS: db/pass}
  envFrom: [{configMap: cfg}]
  visibility: cluster-local
  traffic: [{revision: hello-00001, percent: 50}, {latest: true, percent: 50, tag: next}]
  subscriptions: [{broker: default, filters: {type: x}, path: /e}]
  imagePullSecrets: [regcred]
  labels: {team: a}
`;
const spec = (yaml: string) => parseFunction(yaml, '/fns/hello/fn.yaml');

test('toFunctionResource: fn.yaml content plus the image, in the fnkit.dev group', () => {
  const fr = toFunctionResource(spec(FULL), IMAGE);
  assert.equal(FUNCTION_API_VERSION, `${FUNCTION_GROUP}/${FUNCTION_VERSION}`);
  assert.equal(fr.apiVersion, 'fnkit.dev/v1alpha1');
  assert.equal(fr.kind, FUNCTION_KIND);
  assert.deepEqual([fr.metadata.name, fr.metadata.namespace], ['hello', 'team-a']);
  assert.equal(fr.spec.image, IMAGE);
  assert.equal(fr.spec.runtime, 'lambda');
  assert.equal(fr.spec.timeout, 45);
  assert.equal((fr.spec.deploy as Record<string, unknown>).namespace, undefined, 'the namespace lives in metadata only');
  assert.equal(fr.spec.deploy.visibility, 'cluster-local');
  const q = toFunctionResource(spec('name: hello\ndeploy: {resources: {requests: {cpu: 0.5, memory: 64Mi}, limits: {cpu: 2}}}\n'), IMAGE);
  assert.deepEqual(q.spec.deploy.resources, { requests: { cpu: '0.5', memory: '64Mi' }, limits: { cpu: '2' } }, 'quantities stored as strings');
  assert.throws(() => toFunctionResource(spec(FULL), 'reg/hello:1'), (e: FnkitError) => e.code === 'FN_ERR_IMAGE_NOT_PINNED');
});

test('a Function resource renders the same Service as the fn.yaml it came from', () => {
  for (const yaml of ['name: hello\n', FULL]) {
    const s = spec(yaml);
    const fr = JSON.parse(JSON.stringify(toFunctionResource(s, IMAGE, { namespace: 'prod' }))) as FunctionResource;
    const back = specFromFunctionResource(fr);
    assert.equal(back.image, IMAGE);
    assert.equal(back.spec.deploy.namespace, 'prod');
    assert.deepEqual(toKnativeService(back.spec, back.image), toKnativeService(s, IMAGE, { namespace: 'prod' }));
  }
});

test('specFromFunctionResource rejects a bad resource with the fn.yaml field and the resource name', () => {
  const good = () => JSON.parse(JSON.stringify(toFunctionResource(spec('name: hello\n'), IMAGE, { namespace: 'ns' }))) as FunctionResource & { spec: Record<string, any> };
  const cases: Array<[string, (fr: any) => void, RegExp]> = [
    ['runtime unknown', (fr) => (fr.spec.runtime = 'python'), /^FnkitError: Function ns\/hello: field "runtime" must be one of "node", "lambda"/],
    ['unknown deploy key', (fr) => (fr.spec.deploy.replicas = 3), /unknown field "deploy\.replicas"/],
    ['webhook-level deploy rule', (fr) => (fr.spec.deploy.scale = { min: 4, max: 2 }), /^FnkitError: Function ns\/hello: field "deploy\.scale\.max"/],
    ['image missing', (fr) => delete fr.spec.image, /^FnkitError: Function ns\/hello: spec\.image is required/],
    ['image by tag', (fr) => (fr.spec.image = 'reg/hello:latest'), /not pinned by digest/],
  ];
  for (const [title, mutate, message] of cases) {
    const fr = good();
    mutate(fr);
    assert.throws(() => specFromFunctionResource(fr), message, title);
  }
});

/** Kubernetes' structural-schema rules that a CRD must satisfy to be accepted at all. */
function structuralProblems(node: any, path = ''): string[] {
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  const typed = typeof node.type === 'string' || node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!typed) out.push(`${path || '(root)'}: no type`);
  if (Array.isArray(node.type)) out.push(`${path}: type must be a single string`);
  if (node.additionalProperties === false) out.push(`${path}: additionalProperties false is not allowed`);
  if (node.properties && node.additionalProperties) out.push(`${path}: properties and additionalProperties together`);
  if ('default' in node || 'propertyNames' in node) out.push(`${path}: default/propertyNames are not structural here`);
  for (const [k, v] of Object.entries(node.properties ?? {})) out.push(...structuralProblems(v, `${path}.${k}`));
  if (node.items) out.push(...structuralProblems(node.items, `${path}[]`));
  if (typeof node.additionalProperties === 'object') out.push(...structuralProblems(node.additionalProperties, `${path}{}`));
  return out;
}

test('the Function CRD: namespaced, v1alpha1 with status, printer columns, a structural schema', () => {
  const crd = functionCrd() as any;
  assert.equal(crd.apiVersion, 'apiextensions.k8s.io/v1');
  assert.equal(crd.metadata.name, `${FUNCTION_PLURAL}.${FUNCTION_GROUP}`);
  assert.equal(crd.spec.scope, 'Namespaced');
  assert.equal(crd.spec.versions.length, 1);
  const v = crd.spec.versions[0];
  assert.deepEqual([v.name, v.served, v.storage], ['v1alpha1', true, true]);
  assert.deepEqual(v.subresources, { status: {} });
  assert.deepEqual(v.additionalPrinterColumns.map((c: any) => c.name).slice(0, 3), ['Ready', 'URL', 'Image']);
  assert.deepEqual(structuralProblems(v.schema.openAPIV3Schema), []);
});

test('the CRD schema accepts real Function resources and rejects bad ones', () => {
  const validate = compileCrdSchema(functionOpenApiSchema(), true);
  for (const yaml of ['name: hello\n', FULL, 'name: hello\ndeploy: {resources: {requests: {cpu: 0.25}, limits: {cpu: 2, memory: 1Gi}}, scale: {window: 30}}\n']) {
    const fr = JSON.parse(JSON.stringify(toFunctionResource(spec(yaml), IMAGE, { namespace: 'ns' })));
    assert.deepEqual(schemaProblems(validate, fr), [], yaml);
    fr.status = { observedGeneration: 2, url: 'http://hello.ns.example.com', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    assert.deepEqual(schemaProblems(validate, fr), []);
  }
  const bad: Array<[string, (fr: any) => void, string]> = [
    ['runtime python', (fr) => (fr.spec.runtime = 'python'), 'spec.runtime'],
    ['image by tag', (fr) => (fr.spec.image = 'reg/hello:latest'), 'spec.image'],
    ['image missing', (fr) => delete fr.spec.image, 'spec'],
    ['timeout as text', (fr) => (fr.spec.timeout = '30s'), 'spec.timeout'],
    ['unknown deploy field', (fr) => (fr.spec.deploy.replicas = 2), 'spec.deploy.replicas'],
    ['scale.min as text', (fr) => (fr.spec.deploy.scale = { min: 'one' }), 'spec.deploy.scale.min'],
    ['cpu as a fraction', (fr) => (fr.spec.deploy.resources = { limits: { cpu: 0.5 } }), 'spec.deploy.resources.limits.cpu'],
    ['status condition without status', (fr) => (fr.status = { conditions: [{ type: 'Ready' }] }), 'status.conditions[0]'],
    ['env value not a string', (fr) => (fr.spec.env = { A: 1 }), 'spec.env.A'],
  ];
  for (const [title, mutate, path] of bad) {
    const fr = JSON.parse(JSON.stringify(toFunctionResource(spec('name: hello\n'), IMAGE)));
    mutate(fr);
    const problems = schemaProblems(validate, fr);
    assert.ok(problems.some((p) => p.path === path), `${title}: ${JSON.stringify(problems)}`);
  }
});
