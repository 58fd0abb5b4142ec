// What the test API server serves. Any group/version/plural is stored generically; this table
// gives kinds, scope and status subresources for the ones fnkit uses (and discovery lists them).
import type { ResourceDef } from './store.js';

const T = (group: string, version: string, plural: string, kind: string, namespaced = true, statusSubresource = true): ResourceDef =>
  ({ group, version, plural, kind, namespaced, statusSubresource });

export const KNOWN: ResourceDef[] = [
  T('', 'v1', 'pods', 'Pod'),
  T('', 'v1', 'namespaces', 'Namespace', false),
  T('', 'v1', 'serviceaccounts', 'ServiceAccount', true, false),
  T('', 'v1', 'configmaps', 'ConfigMap', true, false),
  T('', 'v1', 'secrets', 'Secret', true, false),
  T('apps', 'v1', 'deployments', 'Deployment'),
  T('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false, false),
  T('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false, false),
  T('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true, false),
  T('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true, false),
  T('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
  T('serving.knative.dev', 'v1', 'services', 'Service'),
  T('serving.knative.dev', 'v1', 'revisions', 'Revision'),
  T('serving.knative.dev', 'v1', 'configurations', 'Configuration'),
  T('serving.knative.dev', 'v1', 'routes', 'Route'),
  T('eventing.knative.dev', 'v1', 'triggers', 'Trigger'),
  T('eventing.knative.dev', 'v1', 'brokers', 'Broker'),
];

/** The definition for a path's group/version/plural; unknown plurals are namespaced custom resources. */
export function lookup(group: string, version: string, plural: string, extraGroups: ResourceDef[]): ResourceDef {
  const found = [...KNOWN, ...extraGroups].find((r) => r.group === group && r.plural === plural);
  if (found) return { ...found, version };
  const singular = plural.replace(/ies$/, 'y').replace(/s$/, '');
  return T(group, version, plural, singular.charAt(0).toUpperCase() + singular.slice(1));
}
