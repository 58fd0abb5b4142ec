// The Kubernetes resource types fnkit talks to, and how their REST paths are built. Paths follow
// the API conventions (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris):
// core types under /api/v1, everything else under /apis/<group>/<version>.

export interface ResourceType {
  group: string;
  version: string;
  /** Lower-case plural, the path segment. */
  plural: string;
  kind: string;
  namespaced: boolean;
}

export const KSERVICE: ResourceType = { group: 'serving.knative.dev', version: 'v1', plural: 'services', kind: 'Service', namespaced: true };
export const REVISION: ResourceType = { group: 'serving.knative.dev', version: 'v1', plural: 'revisions', kind: 'Revision', namespaced: true };
export const TRIGGER: ResourceType = { group: 'eventing.knative.dev', version: 'v1', plural: 'triggers', kind: 'Trigger', namespaced: true };
export const POD: ResourceType = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** "services.serving.knative.dev", the name RBAC and error messages use. */
export function qualifiedName(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

/** The collection or object path; `namespace` undefined means all namespaces (or cluster scope). */
export function resourcePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let p = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  if (t.namespaced && namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${t.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Picks the resource type an object declares (apiVersion + kind) from a list of known ones. */
export function typeOfObject(obj: { apiVersion?: string; kind?: string }, known: ResourceType[]): ResourceType | undefined {
  return known.find((t) => apiVersionOf(t) === obj.apiVersion && t.kind === obj.kind);
}

/** fnkit's own custom resource (src/deploy/function-crd.ts). */
export const FUNCTION: ResourceType = { group: 'fnkit.dev', version: 'v1alpha1', plural: 'functions', kind: 'Function', namespaced: true };

/** What `fn install` applies, beyond the above. */
export const INSTALL_TYPES: ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
];
