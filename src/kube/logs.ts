// `fn logs`: the user-container logs of every pod of a function, across revisions (pods carry
// serving.knative.dev/service and serving.knative.dev/revision labels), each line prefixed with
// its pod and revision. Following also picks up pods that start later (a watch on the pods).
import { FnkitError, isFnkitError } from '../errors.js';
import type { KubeClient, KubeObject } from './client.js';
import { POD } from './resources.js';

export const USER_CONTAINER = 'user-container';

export interface LogOptions {
  follow?: boolean;
  sinceSeconds?: number;
  signal?: AbortSignal;
  write: (line: string) => void;
  /** Notes for the user (no pods, a pod started), not log lines. */
  note?: (line: string) => void;
}

/** Resolves with the number of pods read, when all streams end (or the signal aborts when following). */
export async function streamFunctionLogs(kube: KubeClient, name: string, ns: string, opts: LogOptions): Promise<number> {
  const selector = `serving.knative.dev/service=${name}`;
  const { items, resourceVersion } = await kube.list(POD, { namespace: ns, labelSelector: selector, signal: opts.signal });
  const note = opts.note ?? (() => {});
  if (items.length === 0) note(`no pods for "${name}" in namespace "${ns}" right now (Knative scales idle functions to zero)${opts.follow ? '; waiting for some' : ''}`);
  const prefix = (p: KubeObject) => `[${p.metadata.name} ${p.metadata.labels?.['serving.knative.dev/revision'] ?? ''}]`.replace(' ]', ']');
  const readPod = async (p: KubeObject, attempts: number): Promise<void> => {
    for (let i = 0; ; i++) {
      try {
        for await (const line of kube.logs(p.metadata.name, { namespace: ns, container: USER_CONTAINER, follow: opts.follow, sinceSeconds: opts.sinceSeconds, signal: opts.signal })) {
          opts.write(`${prefix(p)} ${line}`);
        }
        return;
      } catch (err) {
        if (opts.signal?.aborted) return;
        // a pod that just appeared may not have started its container yet
        if (i + 1 < attempts && isFnkitError(err) && (err.code === 'FN_ERR_KUBE_REQUEST' || err.code === 'FN_ERR_KUBE_NOT_FOUND')) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        if (isFnkitError(err) && err.code === 'FN_ERR_KUBE_NOT_FOUND') return; // gone meanwhile
        throw err;
      }
    }
  };
  if (!opts.follow) {
    for (const p of items) await readPod(p, 1);
    return items.length;
  }
  const seen = new Set(items.map((p) => p.metadata.name));
  const streams = items.map((p) => readPod(p, 3));
  const start = (p: KubeObject) => {
    if (seen.has(p.metadata.name)) return;
    seen.add(p.metadata.name);
    note(`pod ${p.metadata.name} started`);
    streams.push(readPod(p, 20));
  };
  let rv = resourceVersion;
  try {
    // API servers end watches after a while; list again (pods may have started meanwhile) and go on
    while (!opts.signal?.aborted) {
      try {
        for await (const ev of kube.watch(POD, { namespace: ns, labelSelector: selector, resourceVersion: rv, signal: opts.signal })) {
          if (ev.type === 'ADDED') start(ev.object);
        }
      } catch (err) {
        // 410 Gone (the resourceVersion is too old): re-list below
        if (!(isFnkitError(err) && err.code === 'FN_ERR_KUBE_WATCH')) throw err;
      }
      if (opts.signal?.aborted) break;
      const again = await kube.list(POD, { namespace: ns, labelSelector: selector, signal: opts.signal });
      again.items.forEach(start);
      rv = again.resourceVersion;
    }
  } catch (err) {
    if (!opts.signal?.aborted) throw err instanceof FnkitError ? err : new FnkitError('FN_ERR_LOGS', `following logs of "${name}" failed: ${(err as Error).message}`, { cause: err });
  }
  await Promise.allSettled(streams);
  return seen.size;
}
