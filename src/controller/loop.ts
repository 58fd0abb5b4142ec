// The controller loop: watches Functions (and the Services and Triggers it made, to notice
// Knative status changes and drift), resyncs everything periodically, and reconciles one key
// at a time with per-key exponential backoff. A 409 on the status write means the Function
// changed since it was read: re-read and retry at once. Ends when the signal aborts.
import { isFnkitError } from '../errors.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import { FUNCTION, KSERVICE, TRIGGER, type ResourceType } from '../kube/resources.js';
import type { FunctionResource } from '../deploy/types.js';
import { FUNCTION_LABEL } from '../deploy/manifest.js';
import { CONTROLLER_MANAGER, reconcile, type Action } from './reconcile.js';

const MANAGED = `app.kubernetes.io/managed-by=${CONTROLLER_MANAGER}`;

export interface ControllerOptions {
  kube: KubeClient;
  /** One namespace, or null for all. */
  namespace: string | null;
  resyncMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Clock for status transition times (tests pass a fixed one). */
  now?: () => string;
}

export async function runController(opts: ControllerOptions): Promise<void> {
  const { kube, signal, log } = opts;
  const base = opts.backoffBaseMs ?? 200;
  const max = opts.backoffMaxMs ?? 30_000;
  const now = opts.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  const queue = new Set<string>();
  const failures = new Map<string, number>();
  const delayed = new Map<string, NodeJS.Timeout>();
  let wake: (() => void) | undefined;

  const enqueue = (key: string) => {
    if (signal.aborted) return;
    queue.add(key);
    wake?.();
  };
  const later = (key: string, ms: number) => {
    clearTimeout(delayed.get(key));
    delayed.set(key, setTimeout(() => { delayed.delete(key); enqueue(key); }, ms));
  };

  signal.addEventListener('abort', () => wake?.(), { once: true });
  const watchers = [
    watchLoop(kube, FUNCTION, opts.namespace, undefined, signal, log, (o) => enqueue(`${o.metadata.namespace}/${o.metadata.name}`)),
    // status changes Knative makes, and edits to what we own, bring the Function back
    watchLoop(kube, KSERVICE, opts.namespace, MANAGED, signal, log, (o) => enqueue(`${o.metadata.namespace}/${o.metadata.labels?.[FUNCTION_LABEL] ?? o.metadata.name}`)),
    watchLoop(kube, TRIGGER, opts.namespace, MANAGED, signal, log, (o) => { const f = o.metadata.labels?.[FUNCTION_LABEL]; if (f) enqueue(`${o.metadata.namespace}/${f}`); }),
  ];
  const resync = setInterval(() => {
    kube.list(FUNCTION, { namespace: opts.namespace, signal }).then((l) => l.items.forEach((o) => enqueue(`${o.metadata.namespace}/${o.metadata.name}`)), (err) => log(`resync failed: ${(err as Error).message}`));
  }, opts.resyncMs);
  log(`controller watching Functions in ${opts.namespace === null ? 'all namespaces' : `namespace "${opts.namespace}"`} (resync every ${opts.resyncMs / 1000}s)`);

  try {
    while (!signal.aborted) {
      const key = queue.values().next().value as string | undefined;
      if (key === undefined) {
        await new Promise<void>((r) => { wake = r; });
        wake = undefined;
        continue;
      }
      queue.delete(key);
      try {
        await reconcileKey(kube, key, signal, log, now());
        failures.delete(key);
      } catch (err) {
        if (signal.aborted) break;
        const n = (failures.get(key) ?? 0) + 1;
        failures.set(key, n);
        const conflict = isFnkitError(err) && err.code === 'FN_ERR_KUBE_CONFLICT';
        // a conflict is a stale read, not a failure of the cluster: re-read right away (a few times)
        const wait = conflict && n <= 3 ? 0 : Math.min(max, base * 2 ** (n - 1));
        log(`${key}: ${(err as Error).message}; retry ${n} in ${wait}ms`);
        later(key, wait);
      }
    }
  } finally {
    clearInterval(resync);
    for (const t of delayed.values()) clearTimeout(t);
    await Promise.allSettled(watchers);
  }
}

/** Reads the Function and what it owns, decides, acts. Exported for tests that step it. */
export async function reconcileKey(kube: KubeClient, key: string, signal: AbortSignal, log: (l: string) => void, now: string): Promise<Action[]> {
  const [ns, name] = key.split('/') as [string, string];
  const fn = await kube.tryGet<FunctionResource>(FUNCTION, name, ns, signal);
  if (!fn) return []; // deleted: the garbage collector removes what it owned
  const [service, triggers] = await Promise.all([
    kube.tryGet(KSERVICE, name, ns, signal),
    kube.list(TRIGGER, { namespace: ns, labelSelector: `${FUNCTION_LABEL}=${name}`, signal }),
  ]);
  const actions = reconcile({ fn, service, triggers: triggers.items }, now);
  for (const a of actions) {
    if (a.kind === 'apply') {
      // controllers force: the Function is the source of truth for what they own (server-side apply docs, "Using Server-Side Apply in a controller")
      await kube.apply(a.resource === 'service' ? KSERVICE : TRIGGER, a.object as KubeObject, { force: true, fieldManager: CONTROLLER_MANAGER, signal });
      log(`${key}: applied ${a.resource === 'service' ? 'Service' : 'Trigger'} ${a.object.metadata.name}`);
    } else if (a.kind === 'delete') {
      await kube.delete(TRIGGER, a.name, ns, signal);
      log(`${key}: deleted Trigger ${a.name} (subscription dropped)`);
    } else {
      // merge patch: fields that disappeared must be sent as null to be removed
      const patch: Record<string, unknown> = { ...a.status };
      for (const k of Object.keys(fn.status ?? {})) if (!(k in patch)) patch[k] = null;
      await kube.patchStatus(FUNCTION, name, ns, patch, { resourceVersion: fn.metadata.resourceVersion, fieldManager: CONTROLLER_MANAGER, signal });
      const ready = a.status.conditions?.find((c) => c.type === 'Ready');
      log(`${key}: status Ready=${ready?.status}${ready?.reason ? ` (${ready.reason})` : ''}${a.status.url ? ` ${a.status.url}` : ''}`);
    }
  }
  return actions;
}

/** list + watch from its resourceVersion, again after the watch ends or fails, until aborted. */
async function watchLoop(kube: KubeClient, t: ResourceType, namespace: string | null, labelSelector: string | undefined, signal: AbortSignal, log: (l: string) => void, onObject: (o: KubeObject) => void): Promise<void> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const { items, resourceVersion } = await kube.list(t, { namespace, labelSelector, signal });
      items.forEach(onObject);
      for await (const ev of kube.watch(t, { namespace, labelSelector, resourceVersion, signal, timeoutSeconds: 300 })) {
        failures = 0;
        if (ev.type !== 'BOOKMARK') onObject(ev.object);
      }
    } catch (err) {
      if (signal.aborted) return;
      failures++;
      const wait = Math.min(30_000, 500 * 2 ** failures);
      log(`watch of ${t.plural} failed: ${(err as Error).message}; again in ${wait / 1000}s`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
