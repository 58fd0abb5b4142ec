// Server-side apply as the test API server does it: field ownership per manager over leaf field
// paths (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management).
// Lists whose items all have a string `name` (containers, env, ports...) are maps keyed by name,
// as Kubernetes' `x-kubernetes-list-map-keys: [name]`; other lists are atomic. Simplification:
// real merge keys vary per field (e.g. ports by containerPort); `name` is right for what fnkit sends.
import { isDeepStrictEqual } from 'node:util';

export type Segment = string | { name: string };
/** Map keys are JSON-encoded Segment[] so keys with dots (annotations) survive. */
export type FlatObject = Map<string, unknown>;
export type Owners = Map<string, Set<string>>;

export interface Conflict { manager: string; path: string }

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNamedList(v: unknown): v is Array<{ name: string }> {
  return Array.isArray(v) && v.length > 0 && v.every((e) => isPlainObject(e) && typeof e.name === 'string');
}

export function flatten(obj: unknown, prefix: Segment[] = [], out: FlatObject = new Map()): FlatObject {
  if (isPlainObject(obj) && Object.keys(obj).length > 0) {
    for (const [k, v] of Object.entries(obj)) flatten(v, [...prefix, k], out);
  } else if (isNamedList(obj)) {
    for (const el of obj) flatten(el, [...prefix, { name: el.name }], out);
  } else if (prefix.length > 0) {
    out.set(JSON.stringify(prefix), obj);
  }
  return out;
}

export function unflatten(flat: FlatObject): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of flat) {
    const segs = JSON.parse(key) as Segment[];
    let cur: any = root;
    segs.forEach((seg, i) => {
      const last = i === segs.length - 1;
      const nextIsKeyed = !last && typeof segs[i + 1] !== 'string';
      if (typeof seg === 'string') {
        if (last) cur[seg] = structuredClone(value);
        else cur = cur[seg] ??= nextIsKeyed ? [] : {};
      } else {
        let el = (cur as Array<{ name: string }>).find((e) => e.name === seg.name);
        if (!el) { el = { name: seg.name }; cur.push(el); }
        cur = el;
      }
    });
  }
  return root;
}

/** `.spec.template.spec.containers[name="user-container"].image`, as kube reports conflicts. */
export function displayPath(key: string): string {
  return (JSON.parse(key) as Segment[]).map((s) => (typeof s === 'string' ? `.${s}` : `[name="${s.name}"]`)).join('');
}

function related(a: string, b: string): boolean {
  // one path is a prefix of the other (same field, or a parent/child)
  const x = a.slice(0, -1), y = b.slice(0, -1);
  return x === y || x.startsWith(y + ',') || y.startsWith(x + ',');
}

export interface ApplyResult { object: Record<string, unknown>; owners: Owners; conflicts: Conflict[] }

/**
 * Applies `intent` (the manager's whole configuration of the object, without system metadata
 * and status) onto `live`. Returns conflicts instead of a result unless `force`.
 */
export function apply(live: Record<string, unknown>, intent: Record<string, unknown>, owners: Owners, manager: string, force: boolean): ApplyResult {
  const liveFlat = flatten(live);
  const intentFlat = flatten(intent);
  const conflicts: Conflict[] = [];
  for (const [p, v] of intentFlat) {
    for (const [m, paths] of owners) {
      if (m === manager) continue;
      for (const owned of paths) {
        if (!related(owned, p)) continue;
        if (owned === p && isDeepStrictEqual(liveFlat.get(p), v)) continue; // same value: shared ownership
        conflicts.push({ manager: m, path: owned });
      }
    }
  }
  if (conflicts.length > 0 && !force) return { object: live, owners, conflicts };
  const next: Owners = new Map([...owners].map(([m, s]) => [m, new Set(s)]));
  for (const c of conflicts) next.get(c.manager)?.delete(c.path);
  const mine = next.get(manager) ?? new Set<string>();
  const result: FlatObject = new Map(liveFlat);
  for (const p of mine) {
    if (intentFlat.has(p)) continue;
    const sharedWith = [...next].some(([m, s]) => m !== manager && s.has(p));
    if (!sharedWith) result.delete(p);
  }
  for (const [p, v] of intentFlat) {
    for (const k of [...result.keys()]) if (k !== p && related(k, p)) result.delete(k);
    result.set(p, v);
  }
  next.set(manager, new Set(intentFlat.keys()));
  for (const [m, s] of next) if (s.size === 0) next.delete(m);
  // forced: the conflicts were resolved by taking the fields over
  return { object: unflatten(result), owners: next, conflicts: [] };
}

/** An Update operation (create, merge patch, put): the writer takes the fields it changed. */
export function recordUpdate(before: Record<string, unknown>, after: Record<string, unknown>, owners: Owners, manager: string): Owners {
  const a = flatten(before), b = flatten(after);
  const next: Owners = new Map([...owners].map(([m, s]) => [m, new Set(s)]));
  const mine = next.get(manager) ?? new Set<string>();
  for (const [p, v] of b) {
    if (a.has(p) && isDeepStrictEqual(a.get(p), v)) continue;
    for (const [m, s] of next) if (m !== manager) s.delete(p);
    mine.add(p);
  }
  for (const p of a.keys()) if (!b.has(p)) for (const s of next.values()) s.delete(p);
  if (mine.size > 0) next.set(manager, mine);
  for (const [m, s] of next) if (s.size === 0) next.delete(m);
  return next;
}

/** managedFields in FieldsV1 form (f:<field>, k:{"name":...}) for clients that read them. */
export function fieldsV1(paths: Set<string>): Record<string, unknown> {
  const root: Record<string, any> = {};
  for (const key of paths) {
    let cur = root;
    for (const s of JSON.parse(key) as Segment[]) {
      const k = typeof s === 'string' ? `f:${s}` : `k:${JSON.stringify({ name: s.name })}`;
      cur = cur[k] ??= {};
    }
  }
  return root;
}
