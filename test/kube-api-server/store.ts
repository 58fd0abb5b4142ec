// The object store of the test API server: one resourceVersion counter for everything
// (monotonic, as etcd's revision), objects keyed by resource and namespace/name, an event
// history for watches from a resourceVersion, and field ownership per object.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { fieldsV1, type Owners } from './apply.js';

export interface ResourceDef { group: string; version: string; plural: string; kind: string; namespaced: boolean; statusSubresource: boolean }

export interface Stored { res: ResourceDef; obj: any; owners: Owners; ops: Map<string, 'Apply' | 'Update'> }

export interface StoreEvent { rv: number; type: 'ADDED' | 'MODIFIED' | 'DELETED'; res: ResourceDef; obj: any }

export type Listener = (ev: StoreEvent) => void;

export class Store {
  private rv = 0;
  private objects = new Map<string, Stored>();
  readonly history: StoreEvent[] = [];
  private listeners = new Set<Listener>();

  currentRv(): number { return this.rv; }

  key(res: ResourceDef, ns: string | undefined, name: string): string {
    return `${res.group}/${res.plural}/${res.namespaced ? ns ?? '' : ''}/${name}`;
  }

  get(res: ResourceDef, ns: string | undefined, name: string): Stored | undefined {
    return this.objects.get(this.key(res, ns, name));
  }

  list(res: ResourceDef, ns: string | undefined): Stored[] {
    return [...this.objects.values()].filter((s) => s.res.group === res.group && s.res.plural === res.plural && (ns === undefined || s.obj.metadata.namespace === ns));
  }

  all(): Stored[] { return [...this.objects.values()]; }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Writes `obj` (a full object) if it differs from what is stored; returns the stored object. */
  put(res: ResourceDef, obj: any, owners: Owners, ops: Map<string, 'Apply' | 'Update'>): any {
    const ns = res.namespaced ? obj.metadata.namespace : undefined;
    const k = this.key(res, ns, obj.metadata.name);
    const prev = this.objects.get(k);
    if (prev) {
      // metadata.generation moves only when the spec (everything but metadata and status) changes
      const specChanged = !isDeepStrictEqual(withoutMetaStatus(prev.obj), withoutMetaStatus(obj));
      obj.metadata = { ...obj.metadata, uid: prev.obj.metadata.uid, creationTimestamp: prev.obj.metadata.creationTimestamp, generation: (prev.obj.metadata.generation ?? 1) + (specChanged ? 1 : 0) };
      obj.metadata.managedFields = renderManaged(res, owners, ops);
      obj.metadata.resourceVersion = prev.obj.metadata.resourceVersion;
      if (isDeepStrictEqual(prev.obj, obj)) return prev.obj; // a no-op write changes nothing, not even resourceVersion
    } else {
      obj.metadata = { ...obj.metadata, uid: randomUUID(), creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), generation: 1 };
      obj.metadata.managedFields = renderManaged(res, owners, ops);
    }
    if (res.namespaced) obj.metadata.namespace = ns;
    obj.metadata.resourceVersion = String(++this.rv);
    this.objects.set(k, { res, obj, owners, ops });
    this.emit({ rv: this.rv, type: prev ? 'MODIFIED' : 'ADDED', res, obj });
    // the garbage collector also removes dependents whose owners are all gone already (a
    // controller that wrote after its owner was deleted): "dangling" owner references
    const ownerRefs: Array<{ uid: string }> = obj.metadata.ownerReferences ?? [];
    if (ownerRefs.length > 0 && ownerRefs.every((o) => !this.all().some((s) => s.obj.metadata.uid === o.uid))) {
      setImmediate(() => { if (this.get(res, ns, obj.metadata.name)?.obj.metadata.uid === obj.metadata.uid) this.remove(res, ns, obj.metadata.name); });
    }
    return obj;
  }

  remove(res: ResourceDef, ns: string | undefined, name: string): any | undefined {
    const k = this.key(res, ns, name);
    const prev = this.objects.get(k);
    if (!prev) return undefined;
    this.objects.delete(k);
    const obj = { ...prev.obj, metadata: { ...prev.obj.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ rv: this.rv, type: 'DELETED', res, obj });
    // the garbage collector: dependents whose owner is gone go too (background propagation)
    for (const s of this.all()) {
      if ((s.obj.metadata.ownerReferences ?? []).some((o: any) => o.uid === prev.obj.metadata.uid)) {
        this.remove(s.res, s.obj.metadata.namespace, s.obj.metadata.name);
      }
    }
    return obj;
  }

  private emit(ev: StoreEvent): void {
    this.history.push(ev);
    if (this.history.length > 5000) this.history.splice(0, 1000);
    for (const l of this.listeners) l(ev);
  }
}

function withoutMetaStatus(o: any): unknown {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

function renderManaged(res: ResourceDef, owners: Owners, ops: Map<string, 'Apply' | 'Update'>): unknown[] {
  return [...owners].map(([manager, paths]) => ({
    manager, operation: ops.get(manager) ?? 'Update', apiVersion: res.group ? `${res.group}/${res.version}` : res.version,
    fieldsType: 'FieldsV1', fieldsV1: fieldsV1(paths),
  }));
}
