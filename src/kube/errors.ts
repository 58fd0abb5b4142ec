// Turns API server answers into FnkitErrors that say who tried what where, and what to do.
// The server's Status object (https://kubernetes.io/docs/reference/using-api/api-concepts/#status)
// carries reason, message and details.causes; server-side apply conflicts arrive as 409 with one
// cause per field (type "FieldManagerConflict", message `conflict with "<manager>"...`, field).
import { FnkitError } from '../errors.js';

export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ type?: string; message?: string; field?: string }> };
}

export interface RequestInfo {
  method: string;
  path: string;
  server: string;
  user: string;
  context: string;
  /** Query parameters, to tell list from watch and apply from merge patch. */
  query?: Record<string, string | undefined>;
}

/** The RBAC verb and resource a request needs, read from its method and path. */
export function describeRequest(info: RequestInfo): { verb: string; resource: string; namespace?: string; name?: string } {
  const parts = info.path.split('/').filter(Boolean).map(decodeURIComponent);
  // /api/v1/... or /apis/<group>/<version>/...
  let i = parts[0] === 'api' ? 2 : 3;
  const group = parts[0] === 'api' ? '' : parts[1] ?? '';
  let namespace: string | undefined;
  if (parts[i] === 'namespaces' && parts.length > i + 2) { namespace = parts[i + 1]; i += 2; }
  const plural = parts[i] ?? '';
  const name = parts[i + 1];
  const sub = parts[i + 2];
  const resource = (group ? `${plural}.${group}` : plural) + (sub ? `/${sub}` : '');
  const m = info.method.toUpperCase();
  let verb = m.toLowerCase();
  if (m === 'GET') verb = info.query?.watch === 'true' || info.query?.watch === '1' ? 'watch' : name ? 'get' : 'list';
  else if (m === 'POST') verb = 'create';
  else if (m === 'PUT') verb = 'update';
  return { verb, resource, namespace, name };
}

export function errorFromStatus(code: number, body: string, info: RequestInfo): FnkitError {
  let status: KubeStatus = {};
  try { status = JSON.parse(body) as KubeStatus; } catch { status = { message: body.slice(0, 300) }; }
  const what = describeRequest(info);
  const where = what.namespace ? ` in namespace "${what.namespace}"` : '';
  const target = `${what.resource}${what.name ? ` "${what.name}"` : ''}${where}`;
  const serverMsg = status.message ? `: ${status.message}` : '';
  const data = { status: code, reason: status.reason, server: info.server, context: info.context, user: info.user, verb: what.verb, resource: what.resource, namespace: what.namespace, name: what.name, causes: status.details?.causes };
  switch (code) {
    case 401:
      return new FnkitError('FN_ERR_KUBE_UNAUTHORIZED', `the API server at ${info.server} did not accept the credentials of user "${info.user}" (context "${info.context}") to ${what.verb} ${target} (401 Unauthorized)${serverMsg}`, {
        hint: 'log in again or refresh the token in your kubeconfig',
        data,
      });
    case 403:
      return new FnkitError('FN_ERR_KUBE_FORBIDDEN', `user "${info.user}" may not ${what.verb} ${target} (403 Forbidden, context "${info.context}")${serverMsg}`, {
        hint: `ask a cluster admin for a Role that allows "${what.verb}" on ${what.resource}${what.namespace ? ` in namespace ${what.namespace}` : ''}, or use another namespace or context`,
        data,
      });
    case 404:
      if (!what.name || status.details?.name === undefined && /could not find the requested resource/.test(status.message ?? '')) {
        return new FnkitError('FN_ERR_KUBE_NO_RESOURCE_TYPE', `the API server at ${info.server} does not serve ${what.resource} (404)${serverMsg}`, {
          hint: what.resource.includes('knative.dev') ? 'install Knative Serving (and Eventing for Triggers) in the cluster' : 'install the CRD first (fn install)',
          data,
        });
      }
      if (status.details?.kind === 'namespaces' && status.details.name === what.namespace && info.method !== 'GET') {
        return new FnkitError('FN_ERR_KUBE_NO_NAMESPACE', `namespace "${what.namespace}" does not exist on ${info.server} (context "${info.context}")`, {
          hint: `create it first (kubectl create namespace ${what.namespace}) or pick another namespace`,
          data,
        });
      }
      return new FnkitError('FN_ERR_KUBE_NOT_FOUND', `${target} does not exist${serverMsg ? ` (${status.message})` : ''}`, { data });
    case 409: {
      const conflicts = (status.details?.causes ?? []).filter((c) => c.type === 'FieldManagerConflict');
      if (conflicts.length > 0 || /Apply failed with/.test(status.message ?? '')) {
        const managers = [...new Set(conflicts.map((c) => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1]).filter(Boolean))];
        const fields = conflicts.map((c) => c.field).filter(Boolean);
        return new FnkitError('FN_ERR_KUBE_APPLY_CONFLICT', `cannot apply ${target}: ${fields.length || 'some'} field(s) are owned by another field manager (${managers.join(', ') || 'unknown'}): ${fields.join(', ') || status.message}`, {
          hint: `someone changed these fields with another tool; apply again with force-conflicts to take them over, or change them back with ${managers[0] ?? 'that tool'}`,
          data: { ...data, managers, fields },
        });
      }
      return new FnkitError('FN_ERR_KUBE_CONFLICT', `conflict on ${target} (409 ${status.reason ?? 'Conflict'})${serverMsg}`, {
        hint: status.reason === 'AlreadyExists' ? 'it already exists; delete it first or use another name' : 'the object changed meanwhile; retry',
        data,
      });
    }
    case 422:
      return new FnkitError('FN_ERR_KUBE_INVALID', `the API server rejected ${target} as invalid${serverMsg}`, {
        hint: 'fix the fields named above',
        data,
      });
    default:
      return new FnkitError('FN_ERR_KUBE_REQUEST', `${what.verb} ${target} failed with HTTP ${code}${status.reason ? ` ${status.reason}` : ''}${serverMsg}`, {
        hint: code >= 500 ? 'the API server had a problem; retry, and check its health if it persists' : undefined,
        data,
      });
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

export function errorFromTransport(err: unknown, info: RequestInfo): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && UNREACHABLE.has(code)) {
    return new FnkitError('FN_ERR_KUBE_UNREACHABLE', `cannot reach the Kubernetes API server at ${info.server} (context "${info.context}"): ${(err as Error).message}`, {
      hint: 'check that the cluster is running and reachable from here, and that the kubeconfig points at the right server',
      data: { server: info.server, context: info.context, code },
      cause: err,
    });
  }
  if (code && /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO)/.test(code)) {
    return new FnkitError('FN_ERR_KUBE_TLS', `TLS handshake with ${info.server} failed: ${(err as Error).message}`, {
      hint: 'check the cluster certificate-authority data in the kubeconfig',
      data: { server: info.server, code },
      cause: err,
    });
  }
  return err;
}
