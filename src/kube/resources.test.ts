import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FUNCTION, KSERVICE, POD, INSTALL_TYPES, resourcePath, qualifiedName, typeOfObject } from './resources.js';
import { FUNCTION_GROUP, FUNCTION_PLURAL, FUNCTION_VERSION } from '../deploy/function-crd.js';
import { describeRequest } from './errors.js';

test('FUNCTION matches the translation\'s CRD constants', () => {
  assert.deepEqual([FUNCTION.group, FUNCTION.version, FUNCTION.plural], [FUNCTION_GROUP, FUNCTION_VERSION, FUNCTION_PLURAL]);
});

const paths: Array<[string, string]> = [
  [resourcePath(KSERVICE, 'ns', 'hello'), '/apis/serving.knative.dev/v1/namespaces/ns/services/hello'],
  [resourcePath(KSERVICE), '/apis/serving.knative.dev/v1/services'],
  [resourcePath(POD, 'ns', 'p', 'log'), '/api/v1/namespaces/ns/pods/p/log'],
  [resourcePath(FUNCTION, 'a', 'f', 'status'), '/apis/fnkit.dev/v1alpha1/namespaces/a/functions/f/status'],
  [resourcePath(INSTALL_TYPES.find((t) => t.kind === 'ClusterRole')!, 'ignored', 'r'), '/apis/rbac.authorization.k8s.io/v1/clusterroles/r'],
];
for (const [got, want] of paths) test(`path ${want}`, () => assert.equal(got, want));

test('qualified names and kinds', () => {
  assert.equal(qualifiedName(KSERVICE), 'services.serving.knative.dev');
  assert.equal(qualifiedName(POD), 'pods');
  assert.equal(typeOfObject({ apiVersion: 'apps/v1', kind: 'Deployment' }, INSTALL_TYPES)?.plural, 'deployments');
  assert.equal(typeOfObject({ apiVersion: 'v2', kind: 'Deployment' }, INSTALL_TYPES), undefined);
});

const verbs: Array<[string, string, Record<string, string>, string, string, string | undefined]> = [
  ['GET', '/apis/serving.knative.dev/v1/namespaces/a/services', {}, 'list', 'services.serving.knative.dev', 'a'],
  ['GET', '/apis/serving.knative.dev/v1/namespaces/a/services', { watch: 'true' }, 'watch', 'services.serving.knative.dev', 'a'],
  ['GET', '/apis/serving.knative.dev/v1/namespaces/a/services/x', {}, 'get', 'services.serving.knative.dev', 'a'],
  ['PATCH', '/apis/fnkit.dev/v1alpha1/namespaces/b/functions/f/status', {}, 'patch', 'functions.fnkit.dev/status', 'b'],
  ['DELETE', '/api/v1/namespaces/c/pods/p', {}, 'delete', 'pods', 'c'],
  ['POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {}, 'create', 'clusterroles.rbac.authorization.k8s.io', undefined],
  ['GET', '/api/v1/pods', {}, 'list', 'pods', undefined],
];
for (const [method, path, query, verb, resource, ns] of verbs) {
  test(`${method} ${path} ${JSON.stringify(query)} is ${verb} ${resource}`, () => {
    const d = describeRequest({ method, path, query, server: 's', user: 'u', context: 'c' });
    assert.deepEqual([d.verb, d.resource, d.namespace], [verb, resource, ns]);
  });
}
