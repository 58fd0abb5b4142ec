// The test API server's HTTP side: Kubernetes REST conventions for the resources fnkit uses
// (https://kubernetes.io/docs/reference/using-api/api-concepts/): discovery, get, list with
// label/field selectors, watch as JSON lines from a resourceVersion, create, server-side apply,
// merge patch (object and status), delete with garbage collection, pod logs with follow, Status
// objects for errors, and an optional bearer-token check for 401/403.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { apply, displayPath, recordUpdate } from './apply.js';
import { Store, type ResourceDef, type Stored } from './store.js';
import { KNOWN, lookup } from './resources.js';
import { Knative } from './knative.js';
import { checkAuth, type AuthConfig } from './auth.js';
import { matcher, mergePatch } from './selectors.js';

export interface ServerOptions { auth?: AuthConfig; knativeDelayMs?: number; /** API groups to answer 404 for, like a cluster without Knative. */ missingGroups?: string[] }

interface Parsed { res: ResourceDef; ns?: string; name?: string; sub?: string }

export interface Injected { method: string; pathIncludes: string; code: number; reason: string; message: string; count: number }

export function createServer(opts: ServerOptions = {}) {
  const store = new Store();
  const knative = new Knative(store, opts.knativeDelayMs ?? 30);
  const requests: Array<{ method: string; path: string; query: Record<string, string>; contentType?: string; user?: string; status?: number }> = [];
  const injected: Injected[] = [];

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendStatus(res, 500, 'InternalError', String(err?.stack ?? err));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    if (url.pathname.startsWith('/_test/')) return control(url.pathname, body, res);
    const entry: (typeof requests)[number] = { method: req.method ?? 'GET', path: url.pathname, query, contentType: req.headers['content-type'] };
    requests.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
    if (opts.auth) {
      const denied = checkAuth(opts.auth, req.headers.authorization, req.method ?? 'GET', url.pathname, query);
      entry.user = denied.user;
      if (denied.code) return sendStatus(res, denied.code, denied.code === 401 ? 'Unauthorized' : 'Forbidden', denied.message!);
    }
    const inj = injected.find((i) => i.count > 0 && i.method === req.method && url.pathname.includes(i.pathIncludes));
    if (inj) { inj.count--; return sendStatus(res, inj.code, inj.reason, inj.message); }
    if (url.pathname === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (url.pathname === '/apis') return send(res, 200, discoveryGroups());
    const p = parsePath(url.pathname);
    if (!p) return sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    if ('discovery' in p) return send(res, 200, discoveryResources(p.discovery));
    const { res: def, ns, name, sub } = p;
    const method = req.method ?? 'GET';
    const manager = query.fieldManager ?? 'unknown';
    if (method === 'GET' && !name) return query.watch === 'true' || query.watch === '1' ? watch(def, ns, query, req, res) : list(def, ns, query, res);
    if (!name) {
      if (method !== 'POST') return sendStatus(res, 405, 'MethodNotAllowed', `${method} is not supported on a collection`);
      const obj = parseBody(body, res);
      if (!obj) return;
      if (!obj.metadata?.name) return sendStatus(res, 422, 'Invalid', `${def.kind}.${def.group} is invalid: metadata.name: Required value: name is required`);
      if (store.get(def, ns, obj.metadata.name)) return sendStatus(res, 409, 'AlreadyExists', `${qn(def)} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group: def.group, kind: def.plural });
      const { status: _s, ...rest } = obj;
      const created = { ...rest, apiVersion: apiVersion(def), kind: def.kind, metadata: { ...rest.metadata, namespace: ns } };
      const owners = recordUpdate({}, created, new Map(), manager);
      return send(res, 201, write(def, created, owners, new Map([[manager, 'Update']])));
    }
    const stored = store.get(def, ns, name);
    if (method === 'GET' && sub === 'log') return logs(def, stored, name, query, req, res);
    if (method === 'GET') return stored ? send(res, 200, stored.obj) : notFound(res, def, name);
    if (method === 'DELETE') {
      const gone = store.remove(def, ns, name);
      return gone ? send(res, 200, gone) : notFound(res, def, name);
    }
    if (method === 'PATCH' && (req.headers['content-type'] ?? '').startsWith('application/apply-patch')) {
      if (sub) return sendStatus(res, 405, 'MethodNotAllowed', 'apply to subresources is not supported here');
      const obj = parseBody(body, res);
      if (!obj) return;
      if (!obj.apiVersion || !obj.kind) return sendStatus(res, 400, 'BadRequest', 'apiVersion and kind must be set in an apply patch');
      if (obj.metadata?.name !== name) return sendStatus(res, 400, 'BadRequest', `the name of the object (${obj.metadata?.name}) does not match the name on the URL (${name})`);
      const live = stored ? userFields(stored.obj) : {};
      const { status: _s, ...intent } = obj;
      delete intent.metadata.resourceVersion;
      intent.metadata = { ...intent.metadata, namespace: def.namespaced ? ns : undefined };
      if (!def.namespaced) delete intent.metadata.namespace;
      const r = apply(live, intent, stored?.owners ?? new Map(), manager, query.force === 'true');
      if (r.conflicts.length > 0) {
        const causes = r.conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${apiVersion(def)}`, field: displayPath(c.path) }));
        return sendStatus(res, 409, 'Conflict', `Apply failed with ${causes.length} conflict${causes.length > 1 ? 's' : ''}: ${causes.map((c) => `${c.message}: ${c.field}`).join('; ')}`, { name, group: def.group, kind: def.plural, causes });
      }
      if (query.dryRun === 'All') return send(res, 200, { ...r.object, status: stored?.obj.status });
      const ops = new Map(stored?.ops ?? []);
      ops.set(manager, 'Apply');
      const next = { ...r.object, metadata: { ...(r.object.metadata as object), ...systemMeta(stored?.obj) }, ...(stored?.obj.status ? { status: stored.obj.status } : {}) };
      return send(res, stored ? 200 : 201, write(def, next, r.owners, ops));
    }
    if (method === 'PATCH' || method === 'PUT') {
      if (!stored) return notFound(res, def, name);
      const patch = parseBody(body, res);
      if (!patch) return;
      const want = patch.metadata?.resourceVersion;
      if (want && want !== stored.obj.metadata.resourceVersion) {
        return sendStatus(res, 409, 'Conflict', `Operation cannot be fulfilled on ${qn(def)} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: def.group, kind: def.plural });
      }
      const isStatus = sub === 'status';
      let next: any;
      if (method === 'PUT') next = isStatus ? { ...stored.obj, status: patch.status } : { ...patch, status: stored.obj.status };
      else next = isStatus ? { ...stored.obj, status: mergePatch(stored.obj.status ?? {}, patch.status ?? {}) } : { ...mergePatch(stored.obj, { ...patch, status: undefined }), status: stored.obj.status };
      next.metadata = { ...next.metadata, ...systemMeta(stored.obj) };
      const owners = isStatus ? stored.owners : recordUpdate(userFields(stored.obj), userFields(next), stored.owners, manager);
      const ops = new Map(stored.ops);
      if (!isStatus) ops.set(manager, 'Update');
      return send(res, 200, write(def, structuredClone(next), owners, ops));
    }
    return sendStatus(res, 405, 'MethodNotAllowed', `${method} is not supported`);
  }

  function write(def: ResourceDef, obj: any, owners: Stored['owners'], ops: Stored['ops']): any {
    const prevGen = store.get(def, obj.metadata.namespace, obj.metadata.name)?.obj.metadata.generation;
    const saved = store.put(def, obj, owners, ops);
    if (def.group === 'serving.knative.dev' && def.plural === 'services' && saved.metadata.generation !== prevGen) knative.schedule(saved);
    return saved;
  }

  function list(def: ResourceDef, ns: string | undefined, query: Record<string, string>, res: ServerResponse): void {
    const items = store.list(def, ns).map((s) => s.obj).filter(matcher(query));
    send(res, 200, { kind: `${def.kind}List`, apiVersion: apiVersion(def), metadata: { resourceVersion: String(store.currentRv()) }, items });
  }

  function watch(def: ResourceDef, ns: string | undefined, query: Record<string, string>, req: IncomingMessage, res: ServerResponse): void {
    const match = matcher(query);
    const from = query.resourceVersion ? Number(query.resourceVersion) : undefined;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    const emit = (type: string, obj: any) => res.write(JSON.stringify({ type, object: obj }) + '\n');
    const mine = (r: ResourceDef, obj: any) => r.group === def.group && r.plural === def.plural && (ns === undefined || obj.metadata.namespace === ns) && match(obj);
    if (from === undefined || from === 0) {
      for (const s of store.list(def, ns)) if (match(s.obj)) emit('ADDED', s.obj);
    } else {
      const oldest = store.history[0]?.rv ?? store.currentRv() + 1;
      if (from < oldest - 1) {
        emit('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${from}` });
        res.end();
        return;
      }
      for (const ev of store.history) if (ev.rv > from && mine(ev.res, ev.obj)) emit(ev.type, ev.obj);
    }
    const off = store.subscribe((ev) => { if (mine(ev.res, ev.obj)) emit(ev.type, ev.obj); });
    const timeout = query.timeoutSeconds ? setTimeout(() => res.end(), Number(query.timeoutSeconds) * 1000) : undefined;
    const stop = () => { off(); clearTimeout(timeout); };
    res.on('close', stop);
    req.on('close', stop);
  }

  function logs(def: ResourceDef, stored: Stored | undefined, name: string, query: Record<string, string>, req: IncomingMessage, res: ServerResponse): void {
    if (!stored || def.plural !== 'pods') return notFound(res, def, name);
    const container = query.container ?? stored.obj.spec?.containers?.[0]?.name;
    if (!stored.obj.spec?.containers?.some((c: any) => c.name === container)) {
      return sendStatus(res, 400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    }
    const since = query.sinceSeconds ? Date.now() - Number(query.sinceSeconds) * 1000 : 0;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    for (const l of knative.logLines(stored.obj, container)) if (l.at >= since) res.write(l.text + '\n');
    if (query.follow !== 'true') { res.end(); return; }
    const off = knative.onLog(stored.obj, container, (text) => res.write(text + '\n'), () => res.end());
    req.on('close', off);
    res.on('close', off);
  }

  function control(path: string, body: string, res: ServerResponse): void {
    const b = body ? JSON.parse(body) : {};
    if (path === '/_test/requests') return send(res, 200, requests);
    if (path === '/_test/fail') { injected.push({ count: 1, reason: 'Conflict', message: 'injected failure', ...b }); return send(res, 200, {}); }
    if (path === '/_test/log') { knative.appendLog(b.namespace, b.pod, b.line); return send(res, 200, {}); }
    if (path === '/_test/objects') return send(res, 200, store.all().map((s) => s.obj));
    if (path === '/_test/compact') { store.history.length = 0; return send(res, 200, { resourceVersion: store.currentRv() }); }
    sendStatus(res, 404, 'NotFound', 'no such test control endpoint');
  }

  function parsePath(pathname: string): Parsed | { discovery: string } | undefined {
    const s = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string, version: string, rest: string[];
    if (s[0] === 'api' && s[1] === 'v1') { group = ''; version = 'v1'; rest = s.slice(2); }
    else if (s[0] === 'apis' && s.length >= 3) { group = s[1]!; version = s[2]!; rest = s.slice(3); }
    else return undefined;
    if (opts.missingGroups?.includes(group)) return undefined;
    if (rest.length === 0) return { discovery: group ? `${group}/${version}` : version };
    let ns: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) { ns = rest[1]; rest = rest.slice(2); }
    const def = lookup(group, version, rest[0]!, []);
    if (!def.namespaced) ns = undefined;
    return { res: def, ns, name: rest[1], sub: rest[2] };
  }

  return { server, store, requests, knative };
}

function discoveryGroups() {
  const groups = [...new Set(KNOWN.filter((r) => r.group).map((r) => r.group))];
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: groups.map((g) => {
      const v = KNOWN.find((r) => r.group === g)!.version;
      return { name: g, versions: [{ groupVersion: `${g}/${v}`, version: v }], preferredVersion: { groupVersion: `${g}/${v}`, version: v } };
    }),
  };
}

function discoveryResources(groupVersion: string) {
  const rs = KNOWN.filter((r) => apiVersion(r) === groupVersion);
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion,
    resources: rs.flatMap((r) => [
      { name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
      ...(r.statusSubresource ? [{ name: `${r.plural}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] }] : []),
    ]),
  };
}

const apiVersion = (d: ResourceDef) => (d.group ? `${d.group}/${d.version}` : d.version);
const qn = (d: ResourceDef) => (d.group ? `${d.plural}.${d.group}` : d.plural);

/** The parts of an object a client configures: no status, no server-set metadata. */
function userFields(obj: any): Record<string, unknown> {
  const { status: _s, ...rest } = obj;
  const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, managedFields: _m, ...meta } = rest.metadata ?? {};
  return structuredClone({ ...rest, metadata: meta });
}

function systemMeta(obj: any): Record<string, unknown> {
  if (!obj) return {};
  const { uid, resourceVersion, generation, creationTimestamp } = obj.metadata;
  return { uid, resourceVersion, generation, creationTimestamp };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(body: string, res: ServerResponse): any {
  try {
    const v = parseYaml(body);
    if (typeof v !== 'object' || v === null) throw new Error('not an object');
    return v;
  } catch (err) {
    sendStatus(res, 400, 'BadRequest', `cannot decode the body: ${(err as Error).message}`);
    return undefined;
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function notFound(res: ServerResponse, def: ResourceDef, name: string): void {
  sendStatus(res, 404, 'NotFound', `${qn(def)} "${name}" not found`, { name, group: def.group, kind: def.plural });
}

export function sendStatus(res: ServerResponse, code: number, reason: string, message: string, details?: unknown): void {
  send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });
}
