// The few API operations fnkit needs, over any resource type: get, list, watch, server-side
// apply, status merge-patch, delete, pod logs. Objects stay plain JSON (no generated model
// classes), so Knative and fnkit custom resources need no codegen.
import { FnkitError } from '../errors.js';
import { loadKubeTarget, kubeEnvironment, type KubeEnvironment, type KubeOptions, type KubeTarget } from './config.js';
import { lines, openRequest, requestJson } from './transport.js';
import { POD, apiVersionOf, resourcePath, type ResourceType } from './resources.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
    managedFields?: Array<{ manager?: string; operation?: string; fieldsV1?: unknown }>;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  spec?: any;
  status?: any;
  [k: string]: unknown;
}

export interface WatchEvent<T = KubeObject> { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: T }

/** The field manager fnkit applies with (server-side apply ownership). */
export const FIELD_MANAGER = 'fn';

export class KubeClient {
  constructor(readonly target: KubeTarget) {}

  get namespace(): string { return this.target.namespace; }

  async get<T = KubeObject>(t: ResourceType, name: string, namespace = this.namespace, signal?: AbortSignal): Promise<T> {
    return requestJson<T>(this.target, { method: 'GET', path: resourcePath(t, namespace, name), signal });
  }

  /** Like get, but undefined when the object does not exist. */
  async tryGet<T = KubeObject>(t: ResourceType, name: string, namespace = this.namespace, signal?: AbortSignal): Promise<T | undefined> {
    try {
      return await this.get<T>(t, name, namespace, signal);
    } catch (err) {
      if (err instanceof FnkitError && err.code === 'FN_ERR_KUBE_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** `namespace: null` lists across all namespaces. */
  async list<T = KubeObject>(t: ResourceType, opts: { namespace?: string | null; labelSelector?: string; fieldSelector?: string; signal?: AbortSignal } = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const ns = opts.namespace === null ? undefined : opts.namespace ?? this.namespace;
    const res = await requestJson<{ items?: T[]; metadata?: { resourceVersion?: string } }>(this.target, {
      method: 'GET', path: resourcePath(t, ns), query: { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector }, signal: opts.signal,
    });
    return { items: res.items ?? [], resourceVersion: res.metadata?.resourceVersion ?? '' };
  }

  /**
   * Server-side apply (https://kubernetes.io/docs/reference/using-api/server-side-apply/): the
   * object is this manager's whole intent; fields it stops sending are removed, fields another
   * manager owns conflict (409) unless `force`.
   */
  async apply<T = KubeObject>(t: ResourceType, obj: KubeObject, opts: { force?: boolean; dryRun?: boolean; fieldManager?: string; signal?: AbortSignal } = {}): Promise<T> {
    const namespace = t.namespaced ? obj.metadata.namespace ?? this.namespace : undefined;
    const body = { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(t), kind: obj.kind ?? t.kind };
    return requestJson<T>(this.target, {
      method: 'PATCH',
      path: resourcePath(t, namespace, obj.metadata.name),
      query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER, force: opts.force ? 'true' : undefined, dryRun: opts.dryRun ? 'All' : undefined },
      contentType: 'application/apply-patch+yaml',
      body,
      signal: opts.signal,
    });
  }

  /**
   * JSON merge patch of the status subresource. With `resourceVersion` the write only succeeds
   * if nobody changed the object since it was read (409 otherwise: re-read and retry).
   */
  async patchStatus<T = KubeObject>(t: ResourceType, name: string, namespace: string, status: unknown, opts: { resourceVersion?: string; fieldManager?: string; signal?: AbortSignal } = {}): Promise<T> {
    const body: Record<string, unknown> = { status };
    if (opts.resourceVersion) body.metadata = { resourceVersion: opts.resourceVersion };
    return requestJson<T>(this.target, {
      method: 'PATCH', path: resourcePath(t, namespace, name, 'status'), query: { fieldManager: opts.fieldManager ?? FIELD_MANAGER },
      contentType: 'application/merge-patch+json', body, signal: opts.signal,
    });
  }

  /** Deletes; false when it did not exist. Dependents go by the garbage collector (Background). */
  async delete(t: ResourceType, name: string, namespace = this.namespace, signal?: AbortSignal): Promise<boolean> {
    try {
      await requestJson(this.target, { method: 'DELETE', path: resourcePath(t, namespace, name), body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }, signal });
      return true;
    } catch (err) {
      if (err instanceof FnkitError && err.code === 'FN_ERR_KUBE_NOT_FOUND') return false;
      throw err;
    }
  }

  /**
   * Watches a collection from `resourceVersion` (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
   * Ends when the server closes the stream or the signal aborts; an ERROR event (e.g. 410 Gone)
   * is thrown so the caller re-lists.
   */
  async *watch<T = KubeObject>(t: ResourceType, opts: { namespace?: string | null; labelSelector?: string; fieldSelector?: string; resourceVersion?: string; signal?: AbortSignal; timeoutSeconds?: number } = {}): AsyncGenerator<WatchEvent<T>> {
    const ns = opts.namespace === null ? undefined : opts.namespace ?? this.namespace;
    const res = await openRequest(this.target, {
      method: 'GET', path: resourcePath(t, ns),
      query: { watch: 'true', resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector, allowWatchBookmarks: 'true', timeoutSeconds: opts.timeoutSeconds ? String(opts.timeoutSeconds) : undefined },
      signal: opts.signal,
    });
    for await (const line of lines(res)) {
      if (!line.trim()) continue;
      const ev = JSON.parse(line) as WatchEvent<T>;
      if (ev.type === 'ERROR') {
        const st = ev.object as { code?: number; message?: string };
        throw new FnkitError('FN_ERR_KUBE_WATCH', `watch of ${t.plural} ended with an error: ${st.code ?? ''} ${st.message ?? ''}`.trim(), { data: { code: st.code } });
      }
      yield ev;
    }
  }

  /** A pod container's log lines; with follow, until the pod stops or the signal aborts. */
  async *logs(pod: string, opts: { namespace?: string; container?: string; follow?: boolean; sinceSeconds?: number; signal?: AbortSignal }): AsyncGenerator<string> {
    const res = await openRequest(this.target, {
      method: 'GET', path: resourcePath(POD, opts.namespace ?? this.namespace, pod, 'log'),
      query: { container: opts.container, follow: opts.follow ? 'true' : undefined, sinceSeconds: opts.sinceSeconds ? String(opts.sinceSeconds) : undefined },
      signal: opts.signal,
    });
    yield* lines(res);
  }
}

/** A client for the cluster the options (and the environment) point at. */
export function connect(opts: KubeOptions = {}, env: KubeEnvironment = kubeEnvironment()): KubeClient {
  return new KubeClient(loadKubeTarget(opts, env));
}

export function isReady(obj: KubeObject | undefined): { ready: boolean | undefined; reason?: string; message?: string } {
  const c = (obj?.status?.conditions as Array<{ type: string; status: string; reason?: string; message?: string }> | undefined)?.find((x) => x.type === 'Ready');
  if (!c) return { ready: undefined };
  return { ready: c.status === 'True' ? true : c.status === 'False' ? false : undefined, reason: c.reason, message: c.message };
}
