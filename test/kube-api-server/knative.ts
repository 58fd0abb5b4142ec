// The part of Knative Serving's controllers the tests need: when a Service's spec changes (its
// generation moves), a Revision `<name>-0000N` is created and the Service's status gets
// conditions, url, latestCreated/latestReadyRevisionName and traffic, like
// knative/serving pkg/reconciler/service does. Test switches, by image reference:
// an image containing "fail" makes the Revision fail (Ready False, reason RevisionFailed);
// one containing "never-ready" leaves Ready Unknown forever (for wait timeouts).
// Ready revisions get one Pod (labels serving.knative.dev/service and /revision, containers
// user-container and queue-proxy) whose log lines the tests can read and append to.
import { randomBytes } from 'node:crypto';
import type { Store, ResourceDef } from './store.js';
import { lookup } from './resources.js';

const REVISIONS = lookup('serving.knative.dev', 'v1', 'revisions', []);
const PODS = lookup('', 'v1', 'pods', []);

interface LogLine { at: number; text: string }

export class Knative {
  private counters = new Map<string, number>();
  private logs = new Map<string, LogLine[]>();
  private followers = new Map<string, Set<{ line: (t: string) => void; end: () => void }>>();

  constructor(private store: Store, private delayMs: number) {
    store.subscribe((ev) => {
      if (ev.type === 'DELETED' && ev.res.plural === 'pods') {
        const k = `${ev.obj.metadata.namespace}/${ev.obj.metadata.name}/user-container`;
        for (const f of this.followers.get(k) ?? []) f.end();
      }
    });
  }

  schedule(svc: any): void {
    const ns = svc.metadata.namespace, name = svc.metadata.name, gen = svc.metadata.generation;
    setTimeout(() => this.reconcile(ns, name, gen), this.delayMs).unref();
  }

  private reconcile(ns: string, name: string, generation: number): void {
    const stored = this.store.get(svcDef(), ns, name);
    if (!stored || stored.obj.metadata.generation !== generation) return;
    const svc = structuredClone(stored.obj);
    const tmpl = svc.spec?.template ?? {};
    const image: string = tmpl.spec?.containers?.[0]?.image ?? '';
    const key = `${ns}/${name}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    const rev = tmpl.metadata?.name ?? `${name}-${String(n).padStart(5, '0')}`;
    const owner = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true };
    const failed = image.includes('fail');
    const never = image.includes('never-ready');
    const revCond = failed
      ? { type: 'Ready', status: 'False', reason: 'ContainerMissing', message: `Unable to fetch image "${image}": failed to resolve image to digest: GET ${image.split('@')[0]}: MANIFEST_UNKNOWN: manifest unknown` }
      : never ? { type: 'Ready', status: 'Unknown', reason: 'Deploying', message: '' } : { type: 'Ready', status: 'True' };
    this.store.put(REVISIONS, {
      apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
      metadata: { name: rev, namespace: ns, labels: { 'serving.knative.dev/service': name, 'serving.knative.dev/configuration': name, 'serving.knative.dev/configurationGeneration': String(generation) }, annotations: tmpl.metadata?.annotations ?? {}, ownerReferences: [owner] },
      spec: tmpl.spec, status: { observedGeneration: 1, conditions: [revCond] },
    }, new Map(), new Map());
    const prevReady: string | undefined = svc.status?.latestReadyRevisionName;
    const latestReady = failed || never ? prevReady : rev;
    const host = svc.metadata.labels?.['networking.knative.dev/visibility'] === 'cluster-local' ? `${name}.${ns}.svc.cluster.local` : `${name}.${ns}.example.com`;
    const traffic = ((svc.spec?.traffic?.length ? svc.spec.traffic : [{ latestRevision: true, percent: 100 }]) as any[]).map((t) => ({
      ...(t.tag ? { tag: t.tag, url: `http://${t.tag}-${host}` } : {}),
      revisionName: t.latestRevision === false || t.revisionName ? t.revisionName : latestReady,
      latestRevision: !t.revisionName && t.latestRevision !== false,
      percent: t.percent ?? 0,
    }));
    const ready = failed
      ? { type: 'Ready', status: 'False', reason: 'RevisionFailed', message: `Revision "${rev}" failed with message: ${revCond.message}.` }
      : never ? { type: 'Ready', status: 'Unknown', reason: 'RevisionMissing', message: `Configuration "${name}" is waiting for a Revision to become ready.` } : { type: 'Ready', status: 'True' };
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    svc.status = {
      observedGeneration: generation,
      conditions: [
        { ...ready, type: 'ConfigurationsReady', lastTransitionTime: now },
        { ...ready, lastTransitionTime: now },
        { type: 'RoutesReady', status: latestReady ? 'True' : 'Unknown', lastTransitionTime: now },
      ],
      latestCreatedRevisionName: rev,
      ...(latestReady ? { latestReadyRevisionName: latestReady, url: `http://${host}`, address: { url: `http://${name}.${ns}.svc.cluster.local` }, traffic } : {}),
    };
    this.store.put(svcDef(), svc, stored.owners, stored.ops);
    if (!failed && !never) this.startPod(ns, name, rev, image);
  }

  private startPod(ns: string, svc: string, rev: string, image: string): void {
    const revObj = this.store.get(REVISIONS, ns, rev)!.obj;
    const pod = `${rev}-deployment-${randomBytes(3).toString('hex')}`;
    this.store.put(PODS, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: pod, namespace: ns, labels: { 'serving.knative.dev/service': svc, 'serving.knative.dev/revision': rev, app: rev }, ownerReferences: [{ apiVersion: 'serving.knative.dev/v1', kind: 'Revision', name: rev, uid: revObj.metadata.uid, controller: true }] },
      spec: { containers: [{ name: 'user-container', image }, { name: 'queue-proxy', image: 'queue' }] },
      status: { phase: 'Running' },
    }, new Map(), new Map());
    this.appendLog(ns, pod, `listening on :8080 (revision ${rev})`);
    this.appendLog(ns, pod, 'queue-proxy says hi', 'queue-proxy');
  }

  appendLog(ns: string, pod: string, text: string, container = 'user-container'): void {
    const k = `${ns}/${pod}/${container}`;
    const list = this.logs.get(k) ?? [];
    list.push({ at: Date.now(), text });
    this.logs.set(k, list);
    for (const f of this.followers.get(k) ?? []) f.line(text);
  }

  logLines(pod: any, container: string): LogLine[] {
    return this.logs.get(`${pod.metadata.namespace}/${pod.metadata.name}/${container}`) ?? [];
  }

  onLog(pod: any, container: string, line: (t: string) => void, end: () => void): () => void {
    const k = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`;
    const f = { line, end };
    const set = this.followers.get(k) ?? new Set();
    set.add(f);
    this.followers.set(k, set);
    return () => set.delete(f);
  }
}

function svcDef(): ResourceDef {
  return lookup('serving.knative.dev', 'v1', 'services', []);
}
