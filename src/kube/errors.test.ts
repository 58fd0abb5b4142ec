import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromStatus, errorFromTransport, type RequestInfo } from './errors.js';
import { FnkitError } from '../errors.js';

const info = (method: string, path: string, query: Record<string, string> = {}): RequestInfo => ({ method, path, query, server: 'https://k8s.example:6443', user: 'ada', context: 'prod' });
const status = (code: number, reason: string, message: string, details?: unknown) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details });
const SVC = '/apis/serving.knative.dev/v1/namespaces/shop/services/cart';

const cases: Array<[string, number, string, RequestInfo, string, RegExp]> = [
  ['401', 401, status(401, 'Unauthorized', 'Unauthorized'), info('GET', SVC), 'FN_ERR_KUBE_UNAUTHORIZED', /https:\/\/k8s\.example:6443 did not accept the credentials of user "ada" \(context "prod"\) to get services\.serving\.knative\.dev "cart" in namespace "shop"/],
  ['403 list', 403, status(403, 'Forbidden', 'nope'), info('GET', '/apis/serving.knative.dev/v1/namespaces/shop/services'), 'FN_ERR_KUBE_FORBIDDEN', /user "ada" may not list services\.serving\.knative\.dev in namespace "shop" \(403 Forbidden, context "prod"\): nope/],
  ['403 watch', 403, status(403, 'Forbidden', 'nope'), info('GET', '/api/v1/namespaces/shop/pods', { watch: 'true' }), 'FN_ERR_KUBE_FORBIDDEN', /may not watch pods in namespace "shop"/],
  ['404 object', 404, status(404, 'NotFound', 'services.serving.knative.dev "cart" not found', { name: 'cart' }), info('GET', SVC), 'FN_ERR_KUBE_NOT_FOUND', /services\.serving\.knative\.dev "cart" in namespace "shop" does not exist/],
  ['404 type (Knative missing)', 404, status(404, 'NotFound', 'the server could not find the requested resource'), info('GET', '/apis/serving.knative.dev/v1/namespaces/shop/services'), 'FN_ERR_KUBE_NO_RESOURCE_TYPE', /does not serve services\.serving\.knative\.dev/],
  ['409 apply conflict', 409, status(409, 'Conflict', 'Apply failed with 2 conflicts', { causes: [
    { type: 'FieldManagerConflict', message: 'conflict with "kubectl" using serving.knative.dev/v1', field: '.spec.template.spec.containers[name="user-container"].image' },
    { type: 'FieldManagerConflict', message: 'conflict with "helm" using serving.knative.dev/v1', field: '.metadata.labels.team' },
  ] }), info('PATCH', SVC), 'FN_ERR_KUBE_APPLY_CONFLICT', /2 field\(s\) are owned by another field manager \(kubectl, helm\): \.spec\.template\.spec\.containers\[name="user-container"\]\.image, \.metadata\.labels\.team/],
  ['409 stale write', 409, status(409, 'Conflict', 'the object has been modified'), info('PATCH', `${SVC}/status`), 'FN_ERR_KUBE_CONFLICT', /conflict on services\.serving\.knative\.dev\/status "cart"/],
  ['409 exists', 409, status(409, 'AlreadyExists', 'already exists'), info('POST', '/apis/serving.knative.dev/v1/namespaces/shop/services'), 'FN_ERR_KUBE_CONFLICT', /409 AlreadyExists/],
  ['404 namespace on write', 404, status(404, 'NotFound', 'namespaces "shop" not found', { name: 'shop', kind: 'namespaces' }), info('PATCH', SVC), 'FN_ERR_KUBE_NO_NAMESPACE', /namespace "shop" does not exist on https:\/\/k8s\.example:6443/],
  ['422', 422, status(422, 'Invalid', 'spec.template: Invalid value'), info('PATCH', SVC), 'FN_ERR_KUBE_INVALID', /rejected services\.serving\.knative\.dev "cart" in namespace "shop" as invalid: spec\.template: Invalid value/],
  ['500 not JSON', 500, '<html>bad gateway</html>', info('DELETE', SVC), 'FN_ERR_KUBE_REQUEST', /delete services\.serving\.knative\.dev "cart" in namespace "shop" failed with HTTP 500: <html>bad gateway<\/html>/],
];
for (const [name, code, body, i, want, re] of cases) {
  test(`status ${name}`, () => {
    const e = errorFromStatus(code, body, i);
    assert.equal(e.code, want);
    assert.match(e.message, re);
  });
}

test('transport errors: unreachable names the server; others pass through', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { code: 'ECONNREFUSED' });
  const e = errorFromTransport(refused, info('GET', SVC)) as FnkitError;
  assert.equal(e.code, 'FN_ERR_KUBE_UNREACHABLE');
  assert.match(e.message, /cannot reach the Kubernetes API server at https:\/\/k8s\.example:6443 \(context "prod"\)/);
  const tls = errorFromTransport(Object.assign(new Error('self signed'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), info('GET', SVC)) as FnkitError;
  assert.equal(tls.code, 'FN_ERR_KUBE_TLS');
  const other = new Error('weird');
  assert.equal(errorFromTransport(other, info('GET', SVC)), other);
});
