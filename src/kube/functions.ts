// Deployed functions as users see them, read from the cluster: a function is a Knative Service
// labelled fnkit.dev/function, its Revisions (label serving.knative.dev/service), its Triggers
// (label fnkit.dev/function) and, when the controller manages it, its Function resource.
import { FnkitError } from '../errors.js';
import { isReady, type KubeClient, type KubeObject } from './client.js';
import { FUNCTION, KSERVICE, REVISION, TRIGGER } from './resources.js';

import { FUNCTION_LABEL } from '../deploy/manifest.js';

const SVC_LABEL = 'serving.knative.dev/service';

export interface FunctionSummary {
  name: string;
  namespace: string;
  ready: boolean | null;
  reason?: string;
  message?: string;
  url?: string;
  revision?: string;
  image?: string;
  runtime?: string;
  /** "fn" (fn deploy) or "controller" (a Function resource owns the Service). */
  managedBy: 'fn' | 'controller';
  created?: string;
}

export interface FunctionDescription extends FunctionSummary {
  generation?: number;
  observedGeneration?: number;
  latestCreatedRevision?: string;
  traffic: Array<{ revision?: string; percent: number; tag?: string; url?: string; latest: boolean }>;
  revisions: Array<{ name: string; ready: boolean | null; reason?: string; created?: string; image?: string; percent: number; tags: string[] }>;
  scale: Record<string, string>;
  containerConcurrency?: number;
  timeoutSeconds?: number;
  triggers: Array<{ name: string; broker: string; filters: Record<string, string>; path?: string; ready: boolean | null }>;
  conditions: Array<{ type: string; status: string; reason?: string; message?: string }>;
}

export function summarize(svc: KubeObject): FunctionSummary {
  const r = isReady(svc);
  const controlled = svc.metadata.ownerReferences?.some((o) => o.kind === 'Function' && o.controller);
  return {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace ?? '',
    ready: r.ready ?? null,
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(svc.status?.url ? { url: svc.status.url } : {}),
    ...(svc.status?.latestReadyRevisionName ? { revision: svc.status.latestReadyRevisionName } : {}),
    image: svc.spec?.template?.spec?.containers?.[0]?.image,
    runtime: svc.metadata.labels?.['fnkit.dev/runtime'],
    managedBy: controlled ? 'controller' : 'fn',
    created: svc.metadata.creationTimestamp,
  };
}

export async function listFunctions(kube: KubeClient, opts: { namespace?: string; allNamespaces?: boolean; signal?: AbortSignal }): Promise<FunctionSummary[]> {
  const namespace = opts.allNamespaces ? null : opts.namespace;
  const { items } = await kube.list(KSERVICE, { namespace, labelSelector: FUNCTION_LABEL, signal: opts.signal });
  const out = items.map(summarize);
  // Function resources the controller has not turned into a Service (yet, or because they are
  // invalid) are functions too; without them a broken GitOps function would be invisible
  const have = new Set(out.map((f) => `${f.namespace}/${f.name}`));
  for (const fr of await functionResources(kube, namespace, opts.signal)) {
    if (!have.has(`${fr.metadata.namespace}/${fr.metadata.name}`)) out.push(summarizeFunctionResource(fr));
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** Function resources, or none when the Function CRD is not installed. */
async function functionResources(kube: KubeClient, namespace: string | null | undefined, signal?: AbortSignal): Promise<KubeObject[]> {
  try {
    return (await kube.list(FUNCTION, { namespace, signal })).items;
  } catch (err) {
    if (err instanceof FnkitError && (err.code === 'FN_ERR_KUBE_NO_RESOURCE_TYPE' || err.code === 'FN_ERR_KUBE_FORBIDDEN')) return [];
    throw err;
  }
}

export function summarizeFunctionResource(fr: KubeObject): FunctionSummary {
  const r = isReady(fr);
  return {
    name: fr.metadata.name,
    namespace: fr.metadata.namespace ?? '',
    ready: r.ready ?? null,
    reason: r.reason ?? 'NoService',
    message: r.message ?? 'the fnkit controller has not made a Service for this Function yet (is it running?)',
    image: fr.spec?.image,
    runtime: fr.spec?.runtime,
    managedBy: 'controller',
    created: fr.metadata.creationTimestamp,
  };
}

function notDeployed(name: string, ns: string, kube: KubeClient): FnkitError {
  return new FnkitError('FN_ERR_FUNCTION_NOT_FOUND', `no function "${name}" is deployed in namespace "${ns}" (context "${kube.target.context}")`, {
    hint: 'fn list shows the functions in a namespace (-A for all)',
    data: { name, namespace: ns },
  });
}

/** A resource's status conditions as `fn describe` shows them: reason and message only when set. */
function conditionsOf(obj: { status?: { conditions?: unknown } }): Array<{ type: string; status: string; reason?: string; message?: string }> {
  return ((obj.status?.conditions ?? []) as any[]).map((c) => ({ type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) }));
}

export async function describeFunction(kube: KubeClient, name: string, ns: string, signal?: AbortSignal): Promise<FunctionDescription> {
  const svc = await kube.tryGet(KSERVICE, name, ns, signal);
  if (!svc) {
    const fr = (await functionResources(kube, ns, signal)).find((f) => f.metadata.name === name);
    if (!fr) throw notDeployed(name, ns, kube);
    const conditions = conditionsOf(fr);
    return { ...summarizeFunctionResource(fr), generation: fr.metadata.generation, observedGeneration: fr.status?.observedGeneration, traffic: [], revisions: [], scale: {}, triggers: [], conditions };
  }
  const [revs, trig] = await Promise.all([
    kube.list(REVISION, { namespace: ns, labelSelector: `${SVC_LABEL}=${name}`, signal }),
    kube.list(TRIGGER, { namespace: ns, labelSelector: `${FUNCTION_LABEL}=${name}`, signal }),
  ]);
  const traffic = ((svc.status?.traffic ?? []) as any[]).map((t) => ({
    revision: t.revisionName, percent: t.percent ?? 0, latest: t.latestRevision === true,
    ...(t.tag ? { tag: t.tag } : {}), ...(t.url ? { url: t.url } : {}),
  }));
  const annotations: Record<string, string> = svc.spec?.template?.metadata?.annotations ?? {};
  const scale: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) if (k.startsWith('autoscaling.knative.dev/')) scale[k.slice('autoscaling.knative.dev/'.length)] = v;
  const revisions = revs.items
    .map((r) => {
      const rr = isReady(r);
      const routes = traffic.filter((t) => t.revision === r.metadata.name);
      return {
        name: r.metadata.name, ready: rr.ready ?? null, ...(rr.reason ? { reason: rr.reason } : {}), created: r.metadata.creationTimestamp,
        image: r.spec?.containers?.[0]?.image, percent: routes.reduce((s, t) => s + t.percent, 0), tags: routes.flatMap((t) => (t.tag ? [t.tag] : [])),
      };
    })
    .sort((a, b) => b.name.localeCompare(a.name));
  return {
    ...summarize(svc),
    generation: svc.metadata.generation,
    observedGeneration: svc.status?.observedGeneration,
    latestCreatedRevision: svc.status?.latestCreatedRevisionName,
    traffic,
    revisions,
    scale,
    containerConcurrency: svc.spec?.template?.spec?.containerConcurrency,
    timeoutSeconds: svc.spec?.template?.spec?.timeoutSeconds,
    triggers: trig.items.map((t) => ({
      name: t.metadata.name, broker: t.spec?.broker, filters: t.spec?.filter?.attributes ?? {},
      ...(t.spec?.subscriber?.uri ? { path: t.spec.subscriber.uri } : {}), ready: isReady(t).ready ?? null,
    })),
    conditions: conditionsOf(svc),
  };
}

/**
 * Removes the function: its Function resource when the controller manages it (the controller's
 * owner references let the garbage collector take the Service and Triggers), else the Service
 * and its Triggers.
 */
export async function deleteFunction(kube: KubeClient, name: string, ns: string, signal?: AbortSignal): Promise<string[]> {
  const deleted: string[] = [];
  const svc = await kube.tryGet(KSERVICE, name, ns, signal);
  const owner = svc?.metadata.ownerReferences?.find((o) => o.kind === 'Function' && o.controller);
  const fr = owner || !svc ? await kube.tryGet(FUNCTION, name, ns, signal).catch((err) => {
    // no Function CRD installed: there is no Function to delete
    if (err instanceof FnkitError && err.code === 'FN_ERR_KUBE_NO_RESOURCE_TYPE') return undefined;
    throw err;
  }) : undefined;
  if (fr && await kube.delete(FUNCTION, name, ns, signal)) deleted.push(`Function ${ns}/${name}`);
  if (svc && await kube.delete(KSERVICE, name, ns, signal)) deleted.push(`Service ${ns}/${name}`);
  const { items } = await kube.list(TRIGGER, { namespace: ns, labelSelector: `${FUNCTION_LABEL}=${name}`, signal });
  for (const t of items) if (await kube.delete(TRIGGER, t.metadata.name, ns, signal)) deleted.push(`Trigger ${ns}/${t.metadata.name}`);
  if (deleted.length === 0) throw notDeployed(name, ns, kube);
  return deleted;
}

/** The function's Service, or a clear error when it is not deployed. */
export async function requireService(kube: KubeClient, name: string, ns: string, signal?: AbortSignal): Promise<KubeObject> {
  const svc = await kube.tryGet(KSERVICE, name, ns, signal);
  if (!svc) throw notDeployed(name, ns, kube);
  return svc;
}
