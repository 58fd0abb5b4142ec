// The one translation: a function (its fn.yaml as a FunctionSpec, plus a digest-pinned image)
// to a serving.knative.dev/v1 Service. Pure: plain values in, plain objects out, no clock, no
// randomness, keys in a fixed order, so an unchanged function renders byte-identical output and
// Knative makes no new revision (unlike func, which injects BUILT=<timestamp>; anchors.md §1.4).
import type { FunctionSpec } from '../config/types.js';
import { FnkitError } from '../errors.js';
import type { Container, EnvFromSource, EnvVar, KnativeService, KnativeTrigger, TrafficTarget } from './types.js';
import { serviceOwnerRef, toTriggers } from './trigger.js';
import { validateService, validateTrigger } from './validate.js';
import { validateDeploySection } from './validate-deploy.js';
import { DIGEST_REF, INVOKER_ENV, normalizeQuantity, splitRef, windowSeconds } from './validate-rules.js';

export type { Subscription } from './trigger.js';
export { toTrigger, toTriggers, triggerName, serviceOwnerRef } from './trigger.js';
export { DIGEST_REF, INVOKER_ENV } from './validate-rules.js';

/** Our label and annotation prefix (the Function CRD group). */
export const LABEL_PREFIX = 'fnkit.dev';
export const RUNTIME_LABEL = `${LABEL_PREFIX}/runtime`;
export const FUNCTION_LABEL = `${LABEL_PREFIX}/function`;
export const MANAGED_BY = 'fnkit';
/** The one port: HTTP/1.1, 8080 is Knative's default user port (knative-contract.md §1, §2). */
export const CONTAINER_PORT = 8080;
export const CONTAINER_NAME = 'user-container';


export interface ServiceOptions {
  namespace?: string;
  /** app.kubernetes.io/managed-by; the controller passes its own name. */
  managedBy?: string;
}

/** The labels on the Service, its revision template and its Triggers. */
export function functionLabels(spec: FunctionSpec, managedBy = MANAGED_BY): Record<string, string> {
  return {
    ...sortedRecord(spec.deploy.labels ?? {}),
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/component': 'function',
    'app.kubernetes.io/managed-by': managedBy,
    [FUNCTION_LABEL]: spec.name,
    [RUNTIME_LABEL]: spec.runtime,
  };
}

/** Knative timeoutSeconds is whole seconds; round up so a 1.5 s function still gets its time. */
export function timeoutSeconds(spec: FunctionSpec): number {
  return Math.ceil(spec.timeout);
}

/** containerConcurrency: fn.yaml deploy.concurrency; for lambda the worker pool size (one event per worker, as AWS). */
export function containerConcurrency(spec: FunctionSpec): number {
  if (spec.deploy.concurrency !== undefined) return spec.deploy.concurrency;
  if (spec.runtime === 'lambda') {
    const pool = spec.lambda?.concurrency;
    return typeof pool === 'number' && Number.isInteger(pool) && pool > 0 ? pool : 1;
  }
  return 0;
}

export function assertDigestPinned(image: string): void {
  if (!DIGEST_REF.test(image)) {
    throw new FnkitError('FN_ERR_IMAGE_NOT_PINNED', `image "${image}" is not pinned by digest: expected repo@sha256:<64 hex digits>`, {
      hint: 'deploy the reference that the build printed (repo@sha256:...); a tag can move, and an unchanged function must map to an unchanged Service',
      data: { image },
    });
  }
}

export function toKnativeService(spec: FunctionSpec, image: string, opts: ServiceOptions = {}): KnativeService {
  assertDigestPinned(image);
  validateDeploySection(spec);
  const d = spec.deploy;
  const labels = functionLabels(spec, opts.managedBy);
  const serviceLabels: Record<string, string> = { ...labels };
  // VALIDATION.md "Metadata": the label on the Service makes it cluster-internal.
  if (d.visibility === 'cluster-local') serviceLabels['networking.knative.dev/visibility'] = 'cluster-local';
  const namespace = opts.namespace ?? d.namespace;
  const annotations = sortedRecord(d.annotations ?? {});
  const templateAnnotations = scaleAnnotations(d.scale ?? {});

  const template: KnativeService['spec']['template'] = {
    metadata: {
      labels,
      ...(Object.keys(templateAnnotations).length > 0 ? { annotations: templateAnnotations } : {}),
    },
    spec: {
      containerConcurrency: containerConcurrency(spec),
      timeoutSeconds: timeoutSeconds(spec),
      ...(d.serviceAccountName ? { serviceAccountName: d.serviceAccountName } : {}),
      ...(d.imagePullSecrets && d.imagePullSecrets.length > 0
        ? { imagePullSecrets: d.imagePullSecrets.map((name) => ({ name })) }
        : {}),
      enableServiceLinks: false,
      containers: [container(spec, image)],
    },
  };
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: spec.name,
      ...(namespace ? { namespace } : {}),
      labels: serviceLabels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: { template, traffic: traffic(spec) },
  };
}

function container(spec: FunctionSpec, image: string): Container {
  const d = spec.deploy;
  const prefix = spec.invoker.reservedPrefix;
  const resources: Container['resources'] = {};
  for (const kind of ['requests', 'limits'] as const) {
    const list = d.resources?.[kind];
    if (!list) continue;
    const out: { cpu?: string; memory?: string } = {};
    if (list.cpu !== undefined) out.cpu = normalizeQuantity(list.cpu);
    if (list.memory !== undefined) out.memory = normalizeQuantity(list.memory);
    if (Object.keys(out).length > 0) resources[kind] = out;
  }
  const envFrom: EnvFromSource[] = (d.envFrom ?? []).map((e) =>
    'secret' in e ? { secretRef: { name: e.secret } } : { configMapRef: { name: e.configMap } },
  );
  return {
    name: CONTAINER_NAME,
    image,
    ports: [{ name: 'http1', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
    env: env(spec),
    ...(envFrom.length > 0 ? { envFrom } : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
    // Port left unset: Knative probes the user port (VALIDATION.md "Probes"). Readiness keeps
    // periodSeconds 0, Knative's aggressive probing by queue-proxy (knative-contract.md §3).
    readinessProbe: { httpGet: { path: `${prefix}/health/readiness` } },
    livenessProbe: { httpGet: { path: `${prefix}/health/liveness` } },
    // The PSS "restricted" profile; the webhook warns when any of these is unset (VALIDATION.md "securityContext").
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

function env(spec: FunctionSpec): EnvVar[] {
  const out: EnvVar[] = [];
  for (const [name, value] of Object.entries(spec.env)) out.push({ name, value });
  for (const [name, ref] of Object.entries(spec.deploy.secrets ?? {})) {
    const { name: secret, key } = splitRef(ref);
    out.push({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  }
  for (const [name, ref] of Object.entries(spec.deploy.configMaps ?? {})) {
    const { name: cm, key } = splitRef(ref);
    out.push({ name, valueFrom: { configMapKeyRef: { name: cm, key } } });
  }
  const inv = spec.invoker;
  out.push(
    { name: INVOKER_ENV.timeout, value: String(timeoutSeconds(spec)) },
    { name: INVOKER_ENV.bodyLimit, value: String(inv.bodyLimit) },
    { name: INVOKER_ENV.reservedPrefix, value: inv.reservedPrefix },
    { name: INVOKER_ENV.replyMode, value: inv.cloudevents.replyMode },
    { name: INVOKER_ENV.replyType, value: inv.cloudevents.replyType },
    { name: INVOKER_ENV.replySource, value: inv.cloudevents.replySource },
  );
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function traffic(spec: FunctionSpec): TrafficTarget[] {
  const t = spec.deploy.traffic ?? [];
  if (t.length === 0) return [{ latestRevision: true, percent: 100 }];
  return t.map((e) => ({
    ...(e.revision !== undefined ? { revisionName: e.revision, latestRevision: false } : { latestRevision: true }),
    percent: e.percent,
    ...(e.tag !== undefined ? { tag: e.tag } : {}),
  }));
}

/** Autoscaling ↔ fn.yaml deploy.scale (VALIDATION.md "Revision template"; autoscaling/register.go keys). */
export const SCALE_ANNOTATIONS = {
  class: 'autoscaling.knative.dev/class',
  min: 'autoscaling.knative.dev/min-scale',
  max: 'autoscaling.knative.dev/max-scale',
  initial: 'autoscaling.knative.dev/initial-scale',
  target: 'autoscaling.knative.dev/target',
  metric: 'autoscaling.knative.dev/metric',
  window: 'autoscaling.knative.dev/window',
  utilization: 'autoscaling.knative.dev/target-utilization-percentage',
} as const;
export const KPA_CLASS = 'kpa.autoscaling.knative.dev';
export const HPA_CLASS = 'hpa.autoscaling.knative.dev';

/**
 * Revision-template annotations for deploy.scale. cpu and memory metrics exist only with the
 * HPA class (KPA accepts concurrency or rps only), so those select it.
 */
export function scaleAnnotations(scale: NonNullable<FunctionSpec['deploy']['scale']>): Record<string, string> {
  const a: Record<string, string> = {};
  if (scale.metric === 'cpu' || scale.metric === 'memory') a[SCALE_ANNOTATIONS.class] = HPA_CLASS;
  if (scale.initial !== undefined) a[SCALE_ANNOTATIONS.initial] = String(scale.initial);
  if (scale.max !== undefined) a[SCALE_ANNOTATIONS.max] = String(scale.max);
  if (scale.metric !== undefined) a[SCALE_ANNOTATIONS.metric] = scale.metric;
  if (scale.min !== undefined) a[SCALE_ANNOTATIONS.min] = String(scale.min);
  if (scale.target !== undefined) a[SCALE_ANNOTATIONS.target] = String(scale.target);
  if (scale.utilization !== undefined) a[SCALE_ANNOTATIONS.utilization] = String(scale.utilization);
  if (scale.window !== undefined) a[SCALE_ANNOTATIONS.window] = `${windowSeconds(scale.window)}s`;
  return sortedRecord(a);
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface RenderOptions extends ServiceOptions {
  /** uid of the applied Knative Service: when given, Triggers are owner-referenced to it. */
  serviceUid?: string;
}

/**
 * Everything `fn deploy` applies for a function, checked: fn.yaml rules first (field-named),
 * then each object against the CRD schema and the webhook rules. Throws on the first failing stage.
 */
export function renderFunction(spec: FunctionSpec, image: string, opts: RenderOptions = {}): { service: KnativeService; triggers: KnativeTrigger[] } {
  const service = toKnativeService(spec, image, opts);
  validateService(service);
  const owner = opts.serviceUid ? serviceOwnerRef(spec.name, opts.serviceUid) : undefined;
  const triggers = toTriggers(spec, { namespace: opts.namespace, managedBy: opts.managedBy, ...(owner ? { owner } : {}) });
  for (const t of triggers) validateTrigger(t);
  return { service, triggers };
}
