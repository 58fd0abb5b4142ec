// Label and field selectors (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors)
// and RFC 7386 JSON merge patch, as the test API server applies them.

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: any, patch: any): any {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** labelSelector (a=b, a!=b, a, !a, a in (x,y)) and fieldSelector (metadata.name/namespace). */
export function matcher(query: Record<string, string>): (obj: any) => boolean {
  const reqs: Array<(obj: any) => boolean> = [];
  for (const term of splitSelector(query.labelSelector ?? '')) {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term))) { const [, k, v] = m; reqs.push((o) => o.metadata.labels?.[k!] !== v); }
    else if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term))) { const [, k, v] = m; reqs.push((o) => o.metadata.labels?.[k!] === v); }
    else if ((m = /^(\S+)\s+in\s+\((.*)\)$/.exec(term))) { const [, k, vs] = m; const set = vs!.split(',').map((x) => x.trim()); reqs.push((o) => set.includes(o.metadata.labels?.[k!])); }
    else if ((m = /^!(\S+)$/.exec(term))) { const [, k] = m; reqs.push((o) => o.metadata.labels?.[k!] === undefined); }
    else { reqs.push((o) => o.metadata.labels?.[term] !== undefined); }
  }
  for (const term of splitSelector(query.fieldSelector ?? '')) {
    const [k, v] = term.split('=');
    const get = (o: any) => (k === 'metadata.name' ? o.metadata.name : k === 'metadata.namespace' ? o.metadata.namespace : undefined);
    reqs.push((o) => get(o) === v);
  }
  return (obj) => reqs.every((r) => r(obj));
}

function splitSelector(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { if (cur.trim()) out.push(cur.trim()); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

