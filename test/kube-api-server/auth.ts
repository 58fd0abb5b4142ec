// Bearer-token authentication and a deny list, enough to produce the API server's real 401 and
// 403 answers (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb).

export interface AuthConfig {
  /** token → user name */
  tokens: Record<string, string>;
  /** Requests to refuse with 403; an omitted field matches anything. `resource` is the plural. */
  deny?: Array<{ user?: string; verb?: string; resource?: string; namespace?: string }>;
}

export function checkAuth(cfg: AuthConfig, header: string | undefined, method: string, path: string, query: Record<string, string>): { user?: string; code?: 401 | 403; message?: string } {
  const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
  const user = token ? cfg.tokens[token] : undefined;
  if (!user) return { code: 401, message: 'Unauthorized' };
  const s = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (s[0] !== 'api' && s[0] !== 'apis') return { user };
  let i = s[0] === 'api' ? 2 : 3;
  const group = s[0] === 'api' ? '' : s[1]!;
  let namespace: string | undefined;
  if (s[i] === 'namespaces' && s.length > i + 2) { namespace = s[i + 1]; i += 2; }
  const resource = s[i];
  if (!resource) return { user };
  const name = s[i + 1];
  const verb = method === 'GET' ? (query.watch === 'true' ? 'watch' : name ? 'get' : 'list') : method === 'POST' ? 'create' : method === 'PUT' ? 'update' : method.toLowerCase();
  const hit = (cfg.deny ?? []).find((d) => (!d.user || d.user === user) && (!d.verb || d.verb === verb) && (!d.resource || d.resource === resource) && (!d.namespace || d.namespace === namespace));
  if (!hit) return { user };
  const qn = group ? `${resource}.${group}` : resource;
  return {
    user, code: 403,
    message: `${qn}${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`,
  };
}
