// The Kubernetes objects the deploy translation produces, typed as far as fnkit fills them.
// Field names follow serving.knative.dev/v1 (schemas/knative-serving/service.yaml),
// eventing.knative.dev/v1 (schemas/knative-eventing/trigger.yaml) and core/v1 PodSpec.
import type { DeploySection } from '../config/types.js';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerRef[];
  resourceVersion?: string;
  uid?: string;
  generation?: number;
}

/** metav1.OwnerReference: what a Trigger (or a Service made by the controller) points back at. */
export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } } | { configMapKeyRef: { name: string; key: string } };
}

export type EnvFromSource = { secretRef: { name: string } } | { configMapRef: { name: string } };

export interface HttpGetProbe {
  httpGet: { path: string; port?: number | string };
  periodSeconds?: number;
  failureThreshold?: number;
  timeoutSeconds?: number;
  initialDelaySeconds?: number;
}

export interface ResourceList {
  cpu?: string;
  memory?: string;
}

export interface Container {
  name: string;
  image: string;
  ports: Array<{ name: 'http1' | 'h2c'; containerPort: number; protocol?: 'TCP' }>;
  env: EnvVar[];
  envFrom?: EnvFromSource[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  readinessProbe: HttpGetProbe;
  livenessProbe: HttpGetProbe;
  securityContext: {
    runAsNonRoot: true;
    allowPrivilegeEscalation: false;
    capabilities: { drop: ['ALL'] };
    seccompProfile: { type: 'RuntimeDefault' };
  };
}

export interface RevisionTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    containerConcurrency: number;
    timeoutSeconds: number;
    serviceAccountName?: string;
    imagePullSecrets?: Array<{ name: string }>;
    enableServiceLinks: false;
    containers: [Container];
  };
}

/** spec.traffic entry (serving v1 TrafficTarget). */
export interface TrafficTarget {
  revisionName?: string;
  latestRevision?: boolean;
  percent: number;
  tag?: string;
}

export interface KnativeService {
  apiVersion: 'serving.knative.dev/v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: { template: RevisionTemplate; traffic: TrafficTarget[] };
}

export interface KnativeTrigger {
  apiVersion: 'eventing.knative.dev/v1';
  kind: 'Trigger';
  metadata: ObjectMeta;
  spec: {
    broker: string;
    filter?: { attributes: Record<string, string> };
    subscriber: { ref: { apiVersion: 'serving.knative.dev/v1'; kind: 'Service'; name: string; namespace?: string }; uri?: string };
  };
}

/** A Function custom resource (group FUNCTION_GROUP): spec = the fn.yaml content plus the image. */
export interface FunctionResource {
  apiVersion: string;
  kind: 'Function';
  metadata: ObjectMeta;
  spec: FunctionResourceSpec;
  status?: FunctionResourceStatus;
}

export interface FunctionResourceSpec {
  /** Digest-pinned image reference (repo@sha256:...). */
  image: string;
  runtime: 'node' | 'lambda';
  handler: string;
  /** Seconds. */
  timeout: number;
  env: Record<string, string>;
  invoker: Record<string, unknown>;
  lambda?: Record<string, unknown>;
  build?: Record<string, unknown>;
  deploy: DeploySection;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface FunctionResourceStatus {
  observedGeneration?: number;
  url?: string;
  image?: string;
  latestReadyRevisionName?: string;
  conditions?: Condition[];
}
