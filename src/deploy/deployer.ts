// `fn deploy`'s library side: translate (pure, validated before anything is sent), apply with
// server-side apply as field manager "fn", prune Triggers fn.yaml no longer asks for, and wait
// for the Knative Service to be Ready for the generation just applied. An unchanged function
// renders the same Service, so the apply is a no-op: same generation, no new Revision (unlike
// func's BUILT timestamp, anchors.md §1.4). Every failure says what had been applied already.
import type { FunctionSpec } from '../config/types.js';
import { FnkitError, isFnkitError } from '../errors.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import { isReady } from '../kube/client.js';
import { FUNCTION, KSERVICE, TRIGGER } from '../kube/resources.js';
import { toKnativeService } from './manifest.js';
import { toTrigger, serviceOwnerRef, type Subscription } from './trigger.js';
import { toFunctionResource } from './function-crd.js';
import { validateDeploySection, validateService, validateTrigger } from './validate.js';
import { FUNCTION_LABEL } from './manifest.js';
import type { FunctionResource, KnativeService, KnativeTrigger } from './types.js';

/** Who made a Trigger: fn.yaml (deploy prunes those it no longer lists) or `fn subscribe` (kept). */
export const SUBSCRIBED_BY_LABEL = 'fnkit.dev/subscribed-by';

export interface DeployPlan {
  namespace: string;
  service: KnativeService;
  triggers: KnativeTrigger[];
}

/** The exact objects a deploy sends, validated; no cluster needed (`--dry-run`). */
export function planDeploy(spec: FunctionSpec, image: string, namespace: string): DeployPlan {
  validateDeploySection(spec);
  const service = toKnativeService(spec, image, { namespace });
  validateService(service);
  const triggers = (spec.deploy.subscriptions ?? []).map((s: Subscription) => markTrigger(toTrigger(spec, s, { namespace }), 'fn.yaml'));
  for (const t of triggers) validateTrigger(t);
  return { namespace, service, triggers };
}

export function markTrigger(t: KnativeTrigger, by: 'fn.yaml' | 'cli'): KnativeTrigger {
  return { ...t, metadata: { ...t.metadata, labels: { ...t.metadata.labels, [SUBSCRIBED_BY_LABEL]: by } } };
}

export interface ApplyOptions {
  kube: KubeClient;
  forceConflicts?: boolean;
  /** 0 = do not wait for Ready. */
  waitTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface DeployResult {
  name: string;
  namespace: string;
  image: string;
  url?: string;
  ready: boolean;
  /** The Revision serving the latest generation. */
  revision?: string;
  generation: number;
  /** True when the apply changed nothing (no new Revision). */
  unchanged: boolean;
  applied: string[];
  removed: string[];
}

export async function applyPlan(plan: DeployPlan, opts: ApplyOptions): Promise<DeployResult> {
  const { kube } = opts;
  const name = plan.service.metadata.name;
  const ns = plan.namespace;
  const image = plan.service.spec.template.spec.containers[0].image;
  const applied: string[] = [];
  const removed: string[] = [];
  const progress = opts.onProgress ?? (() => {});
  const before = await kube.tryGet(KSERVICE, name, ns, opts.signal).catch((err) => { throw withApplied(err, applied); });
  const owner = before?.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'Function');
  if (owner) {
    throw new FnkitError('FN_ERR_DEPLOY_OWNED', `Knative Service "${name}" in namespace "${ns}" is managed by Function "${owner.name}" (the fnkit controller); applying it directly would fight the controller. Nothing was applied.`, {
      hint: 'deploy through the controller (via-controller), or delete the Function resource first',
      data: { name, namespace: ns },
    });
  }
  let svc: KubeObject;
  try {
    svc = await kube.apply(KSERVICE, plan.service as unknown as KubeObject, { force: opts.forceConflicts, signal: opts.signal });
  } catch (err) {
    throw withApplied(err, applied, 'Nothing was applied.');
  }
  const generation = svc.metadata.generation ?? 1;
  const unchanged = before !== undefined && before.metadata.generation === generation;
  applied.push(`Service ${ns}/${name} (generation ${generation}${unchanged ? ', unchanged' : ''})`);
  progress(unchanged ? `Service ${name} unchanged (generation ${generation}): no new revision` : `applied Service ${name} (generation ${generation})`);
  try {
    const owner = serviceOwnerRef(name, svc.metadata.uid!);
    for (const t of plan.triggers) {
      await kube.apply(TRIGGER, { ...t, metadata: { ...t.metadata, ownerReferences: [owner] } } as unknown as KubeObject, { force: opts.forceConflicts, signal: opts.signal });
      applied.push(`Trigger ${ns}/${t.metadata.name}`);
      progress(`applied Trigger ${t.metadata.name} (broker ${t.spec.broker})`);
    }
    const wanted = new Set(plan.triggers.map((t) => t.metadata.name));
    const existing = await kube.list(TRIGGER, { namespace: ns, labelSelector: `${FUNCTION_LABEL}=${name},${SUBSCRIBED_BY_LABEL}=fn.yaml`, signal: opts.signal });
    for (const t of existing.items) {
      if (wanted.has(t.metadata.name)) continue;
      await kube.delete(TRIGGER, t.metadata.name, ns, opts.signal);
      removed.push(`Trigger ${ns}/${t.metadata.name}`);
      progress(`removed Trigger ${t.metadata.name} (no longer in fn.yaml)`);
    }
  } catch (err) {
    throw withApplied(err, applied, undefined, removed);
  }
  const base: DeployResult = { name, namespace: ns, image, ready: false, generation, unchanged, applied, removed };
  if (opts.waitTimeoutMs <= 0) return { ...base, url: svc.status?.url };
  const done = await waitForReady(kube, name, ns, generation, svc.metadata.resourceVersion!, opts.waitTimeoutMs, progress, opts.signal).catch((err) => {
    throw withApplied(err, applied, undefined, removed);
  });
  return { ...base, ready: true, url: done.status?.url, revision: done.status?.latestReadyRevisionName };
}

/**
 * Watches the Service until Knative reports on `generation`: Ready True resolves, Ready False
 * rejects with the condition's reason and message, and the timeout rejects with the last one.
 */
export async function waitForReady(kube: KubeClient, name: string, ns: string, generation: number, fromRv: string, timeoutMs: number, progress: (l: string) => void, signal?: AbortSignal): Promise<KubeObject> {
  const timer = new AbortController();
  const t = setTimeout(() => timer.abort(), timeoutMs);
  const both = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
  let last: KubeObject | undefined;
  let lastReason = '';
  try {
    last = await kube.get(KSERVICE, name, ns, both);
    let rv = fromRv;
    while (!both.aborted) {
      const verdict = judge(last, generation);
      if (verdict === 'ready') return last!;
      if (verdict === 'failed') {
        const c = isReady(last);
        throw new FnkitError('FN_ERR_DEPLOY_FAILED', `Knative could not make "${name}" ready: ${c.reason ?? 'Failed'}: ${c.message ?? '(no message)'}`, {
          hint: 'fix the cause above and deploy again (fn logs and fn describe show more)',
          data: { name, namespace: ns, reason: c.reason, message: c.message },
        });
      }
      const c = isReady(last);
      const reason = `${c.reason ?? 'waiting'}${c.message ? `: ${c.message}` : ''}`;
      if (reason !== lastReason) { progress(`waiting for ${name} to become ready (${reason})`); lastReason = reason; }
      try {
        for await (const ev of kube.watch(KSERVICE, { namespace: ns, fieldSelector: `metadata.name=${name}`, resourceVersion: rv, signal: both })) {
          if (ev.type === 'BOOKMARK') { rv = ev.object.metadata.resourceVersion ?? rv; continue; }
          if (ev.type === 'DELETED') throw new FnkitError('FN_ERR_DEPLOY_FAILED', `Knative Service "${name}" was deleted while waiting for it`, { data: { name, namespace: ns } });
          last = ev.object;
          rv = ev.object.metadata.resourceVersion ?? rv;
          if (judge(last, generation) !== 'pending') break;
          const c2 = isReady(last);
          const r2 = `${c2.reason ?? 'waiting'}${c2.message ? `: ${c2.message}` : ''}`;
          if (r2 !== lastReason) { progress(`waiting for ${name} to become ready (${r2})`); lastReason = r2; }
        }
      } catch (err) {
        if (both.aborted) break;
        if (isFnkitError(err) && err.code === 'FN_ERR_KUBE_WATCH') { const fresh = await kube.get(KSERVICE, name, ns, both); last = fresh; rv = fresh.metadata.resourceVersion ?? rv; continue; }
        throw err;
      }
    }
  } catch (err) {
    if (!(timer.signal.aborted && !signal?.aborted)) throw err;
  } finally {
    clearTimeout(t);
  }
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
  const c = isReady(last);
  throw new FnkitError('FN_ERR_DEPLOY_TIMEOUT', `"${name}" did not become ready within ${timeoutMs / 1000}s; last Ready condition: ${c.ready === undefined ? 'Unknown' : c.ready}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`, {
    hint: 'it stays applied and Knative keeps trying: check fn describe and fn logs, wait longer, or remove it with fn delete',
    data: { name, namespace: ns, reason: c.reason, message: c.message },
  });
}

function judge(svc: KubeObject | undefined, generation: number): 'ready' | 'failed' | 'pending' {
  if (!svc || (svc.status?.observedGeneration ?? 0) < generation) return 'pending';
  const c = isReady(svc);
  return c.ready === true ? 'ready' : c.ready === false ? 'failed' : 'pending';
}

/** Adds "applied so far" to an error, so nothing half-applied stays hidden. */
function withApplied(err: unknown, applied: string[], none?: string, removed: string[] = []): unknown {
  if (!isFnkitError(err)) return err;
  const what = applied.length === 0 ? none ?? 'Nothing was applied.' : `Applied before this: ${applied.join(', ')}${removed.length ? `; removed: ${removed.join(', ')}` : ''}.`;
  return new FnkitError(err.code, `${err.message}. ${what}`, { hint: err.hint, data: { ...err.data, applied, removed }, cause: err });
}

/** `--via-controller`: writes the Function resource; the controller does the rest. */
export async function applyFunctionResource(spec: FunctionSpec, image: string, namespace: string, opts: { kube: KubeClient; forceConflicts?: boolean; signal?: AbortSignal }): Promise<FunctionResource> {
  validateDeploySection(spec);
  // render once to fail here, not in the controller, on anything the translation rejects
  validateService(toKnativeService(spec, image, { namespace }));
  const fr = toFunctionResource(spec, image, { namespace });
  try {
    return await opts.kube.apply<FunctionResource>(FUNCTION, fr as unknown as KubeObject, { force: opts.forceConflicts, signal: opts.signal });
  } catch (err) {
    throw withApplied(err, [], 'Nothing was applied.');
  }
}
