// The controller's decision, pure: a Function resource and what exists for it → the actions
// that make the cluster match. The translation is the one `fn deploy` uses (toKnativeService,
// toTrigger), plus an owner reference to the Function (controller: true, blockOwnerDeletion)
// so the garbage collector removes the Service and Triggers with it
// (https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/).
import { isFnkitError } from '../errors.js';
import { specFromFunctionResource } from '../deploy/function-crd.js';
import { toKnativeService } from '../deploy/manifest.js';
import { toTrigger } from '../deploy/trigger.js';
import { validateService, validateTrigger } from '../deploy/validate.js';
import type { Condition, FunctionResource, FunctionResourceStatus, OwnerRef } from '../deploy/types.js';

export const CONTROLLER_MANAGER = 'fnkit-controller';

/** What the controller read from the cluster for one Function. */
export interface Observed {
  fn: FunctionResource;
  service?: any;
  /** Triggers labelled with the function's name in its namespace. */
  triggers: any[];
}

export type Action =
  | { kind: 'apply'; resource: 'service' | 'trigger'; object: any }
  | { kind: 'delete'; resource: 'trigger'; name: string }
  | { kind: 'status'; status: FunctionResourceStatus };

export function ownerRefFor(fn: FunctionResource): OwnerRef {
  return { apiVersion: fn.apiVersion, kind: 'Function', name: fn.metadata.name, uid: fn.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

function ownedBy(obj: any, uid: string | undefined): boolean {
  return (obj?.metadata?.ownerReferences ?? []).some((o: OwnerRef) => o.uid === uid && o.controller);
}

/** Every field `want` sets has the same value in `have` (the server may add defaults). */
export function isSubset(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => isSubset(w, have[i]));
  if (typeof want === 'object' && want !== null) {
    if (typeof have !== 'object' || have === null || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, v]) => isSubset(v, (have as Record<string, unknown>)[k]));
  }
  return want === have;
}

export function reconcile(o: Observed, now: string): Action[] {
  const { fn } = o;
  if ((fn.metadata as { deletionTimestamp?: string }).deletionTimestamp) return []; // owned objects go with it (garbage collector)
  const gen = fn.metadata.generation;
  const fail = (reason: string, message: string): Action[] => statusAction(fn, { ...base(fn, gen), conditions: [cond('Ready', 'False', reason, message)] }, now);
  let desiredService: any;
  let desiredTriggers: any[];
  try {
    const { spec, image } = specFromFunctionResource(fn);
    const ns = fn.metadata.namespace;
    const owner = ownerRefFor(fn);
    desiredService = toKnativeService(spec, image, { namespace: ns, managedBy: CONTROLLER_MANAGER });
    desiredService.metadata.ownerReferences = [owner];
    validateService(desiredService);
    desiredTriggers = (spec.deploy.subscriptions ?? []).map((s) => toTrigger(spec, s, { namespace: ns, owner, managedBy: CONTROLLER_MANAGER }));
    for (const t of desiredTriggers) validateTrigger(t);
  } catch (err) {
    if (isFnkitError(err)) return fail('InvalidSpec', err.message);
    throw err;
  }
  if (o.service && !ownedBy(o.service, fn.metadata.uid)) {
    return fail('ServiceNotOwned', `Knative Service "${fn.metadata.name}" already exists and is not managed by this Function (deployed with fn deploy?); delete it, or delete this Function`);
  }
  const actions: Action[] = [];
  if (!o.service || !isSubset(desiredService, o.service)) actions.push({ kind: 'apply', resource: 'service', object: desiredService });
  const wanted = new Set(desiredTriggers.map((t) => t.metadata.name));
  for (const t of desiredTriggers) {
    const have = o.triggers.find((x) => x.metadata.name === t.metadata.name);
    if (!have || !isSubset(t, have)) actions.push({ kind: 'apply', resource: 'trigger', object: t });
  }
  for (const t of o.triggers) {
    // only ours: a Trigger `fn subscribe` made belongs to the Service, not to this Function
    if (!wanted.has(t.metadata.name) && ownedBy(t, fn.metadata.uid)) actions.push({ kind: 'delete', resource: 'trigger', name: t.metadata.name });
  }
  const svc = actions.some((a) => a.kind === 'apply' && a.resource === 'service') ? undefined : o.service;
  actions.push(...statusAction(fn, serviceStatus(fn, svc), now));
  return actions;
}

function base(fn: FunctionResource, gen: number | undefined): FunctionResourceStatus {
  return { ...(gen !== undefined ? { observedGeneration: gen } : {}), image: (fn.spec as { image?: string })?.image };
}

/** The Function's status from its Service's: Ready, url, latest ready revision. */
export function serviceStatus(fn: FunctionResource, svc: any | undefined): FunctionResourceStatus {
  const st = base(fn, fn.metadata.generation);
  if (!svc || (svc.status?.observedGeneration ?? 0) < (svc.metadata?.generation ?? 1)) {
    return { ...st, conditions: [cond('Ready', 'Unknown', 'Deploying', 'waiting for Knative to reconcile the Service')] };
  }
  const ready = (svc.status?.conditions ?? []).find((c: Condition) => c.type === 'Ready');
  return {
    ...st,
    ...(svc.status?.url ? { url: svc.status.url } : {}),
    ...(svc.status?.latestReadyRevisionName ? { latestReadyRevisionName: svc.status.latestReadyRevisionName } : {}),
    conditions: [cond('Ready', ready?.status ?? 'Unknown', ready?.reason ?? (ready?.status === 'True' ? 'Ready' : 'Deploying'), ready?.message ?? '')],
  };
}

function cond(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, ...(message ? { message } : {}) };
}

/** A status write only when something changed; transition times move only on a status change. */
function statusAction(fn: FunctionResource, next: FunctionResourceStatus, now: string): Action[] {
  const prev = fn.status ?? {};
  const conditions = (next.conditions ?? []).map((c) => {
    const old = prev.conditions?.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now };
  });
  const status = { ...next, conditions };
  const strip = (s: FunctionResourceStatus) => JSON.stringify({ ...s, conditions: (s.conditions ?? []).map(({ lastTransitionTime: _t, ...c }) => c) });
  if (strip(prev) === strip(status)) return [];
  return [{ kind: 'status', status }];
}
