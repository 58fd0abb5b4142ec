// What `fn install` applies: the Function CRD and the controller with least privilege
// (issue 5, "The thin controller"). Returned in apply order: the CRD before anything that
// names it, the RBAC before the Deployment that uses it.
import { FUNCTION_GROUP, FUNCTION_PLURAL, functionCrd } from './function-crd.js';

export const CONTROLLER_NAME = 'fnkit-controller';

export interface InstallOptions {
  namespace: string;
  /** The controller image (runs `fn controller`). */
  image: string;
}

export function installManifests(opts: InstallOptions): object[] {
  const labels = { 'app.kubernetes.io/name': CONTROLLER_NAME, 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/managed-by': 'fnkit' };
  const meta = (name: string, namespaced: boolean) => ({ name, ...(namespaced ? { namespace: opts.namespace } : {}), labels });
  return [
    ...(opts.namespace === 'default' ? [] : [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace, labels } }]),
    functionCrd(),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(CONTROLLER_NAME, true) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(CONTROLLER_NAME, false),
      // Exactly what the reconciler does: read Functions and write their status; own Services
      // and Triggers; record Events. No secrets, no pods, no wildcards.
      rules: [
        { apiGroups: [FUNCTION_GROUP], resources: [FUNCTION_PLURAL], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [FUNCTION_GROUP], resources: [`${FUNCTION_PLURAL}/status`], verbs: ['get', 'update', 'patch'] },
        { apiGroups: ['serving.knative.dev'], resources: ['services'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['eventing.knative.dev'], resources: ['triggers'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(CONTROLLER_NAME, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER_NAME },
      subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_NAME, namespace: opts.namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(CONTROLLER_NAME, true),
      spec: {
        replicas: 1,
        // One reconciler at a time without leader election (which would need leases RBAC).
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { 'app.kubernetes.io/name': CONTROLLER_NAME } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: CONTROLLER_NAME,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'controller',
                image: opts.image,
                command: ['fn', 'controller', '--namespace', 'all'],
                env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
              },
            ],
          },
        },
      },
    },
  ];
}
