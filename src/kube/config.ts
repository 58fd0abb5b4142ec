// Which cluster, which user, which namespace: the kubeconfig rules kubectl follows
// (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/):
// an explicit file wins, else every file listed in KUBECONFIG (merged, first one wins on
// duplicates, missing files skipped), else ~/.kube/config, else the in-cluster service account.
// The namespace is the flag, else the context's namespace, else "default".
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { isIPv6 } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { FnkitError } from '../errors.js';

export interface KubeOptions {
  /** An explicit kubeconfig file (the --kubeconfig flag). */
  kubeconfig?: string;
  /** A context name from the kubeconfig (the --context flag). */
  context?: string;
  /** The namespace to work in (the -n flag). */
  namespace?: string;
}

/** Where to look; passed down so tests and callers never depend on the process environment. */
export interface KubeEnvironment {
  KUBECONFIG?: string;
  HOME?: string;
  KUBERNETES_SERVICE_HOST?: string;
  KUBERNETES_SERVICE_PORT?: string;
  /** Root for the service-account files; "" in production, a temp dir in tests. */
  serviceAccountRoot?: string;
}

export interface KubeTarget {
  kc: KubeConfig;
  /** The API server URL, e.g. https://10.0.0.1:6443. */
  server: string;
  context: string;
  user: string;
  namespace: string;
  /** Where the configuration came from, for error messages. */
  source: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function kubeEnvironment(env: NodeJS.ProcessEnv = process.env): KubeEnvironment {
  return {
    KUBECONFIG: env.KUBECONFIG,
    HOME: env.HOME,
    KUBERNETES_SERVICE_HOST: env.KUBERNETES_SERVICE_HOST,
    KUBERNETES_SERVICE_PORT: env.KUBERNETES_SERVICE_PORT,
    serviceAccountRoot: '',
  };
}

export function loadKubeTarget(opts: KubeOptions, env: KubeEnvironment): KubeTarget {
  const kc = new KubeConfig();
  let source: string;
  const saRoot = env.serviceAccountRoot ?? '';
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) {
      throw new FnkitError('FN_ERR_NO_KUBECONFIG', `kubeconfig file ${opts.kubeconfig} does not exist`, {
        hint: 'pass the path of an existing kubeconfig file',
        data: { kubeconfig: opts.kubeconfig },
      });
    }
    loadFile(kc, opts.kubeconfig);
    source = opts.kubeconfig;
  } else if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const files = listed.filter((f) => existsSync(f));
    if (files.length === 0) {
      throw new FnkitError('FN_ERR_NO_KUBECONFIG', `none of the files in KUBECONFIG exists (${listed.join(', ')})`, {
        hint: 'point KUBECONFIG at your cluster\'s kubeconfig file, or unset it to use ~/.kube/config',
        data: { KUBECONFIG: env.KUBECONFIG },
      });
    }
    loadFile(kc, files[0]!);
    for (const f of files.slice(1)) {
      const more = new KubeConfig();
      loadFile(more, f);
      mergeKeepingFirst(kc, more);
    }
    source = `KUBECONFIG=${files.join(delimiter)}`;
  } else if (env.HOME && existsSync(join(env.HOME, '.kube', 'config'))) {
    source = join(env.HOME, '.kube', 'config');
    loadFile(kc, source);
  } else if (env.KUBERNETES_SERVICE_HOST && existsSync(saRoot + SA_DIR + '/token')) {
    // as client-node's loadFromCluster, but from the environment passed in, not process.env
    const host = isIPv6(env.KUBERNETES_SERVICE_HOST) ? `[${env.KUBERNETES_SERVICE_HOST}]` : env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT ?? '443';
    const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
    kc.loadFromClusterAndUser(
      { name: 'inCluster', server: `${scheme}://${host}:${port}`, caFile: saRoot + SA_DIR + '/ca.crt', skipTLSVerify: false },
      { name: 'inClusterUser', authProvider: { name: 'tokenFile', config: { tokenFile: saRoot + SA_DIR + '/token' } } },
    );
    source = 'in-cluster service account';
  } else {
    throw new FnkitError('FN_ERR_NO_KUBECONFIG', 'no Kubernetes configuration found: KUBECONFIG is not set, ~/.kube/config does not exist and this is not a pod with a service account', {
      hint: 'log in to your cluster (e.g. `kubectl config view` should show it), set KUBECONFIG, or pass a kubeconfig file',
      data: { home: env.HOME },
    });
  }

  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new FnkitError('FN_ERR_KUBE_CONTEXT', `context "${opts.context}" is not in ${source}; it has: ${kc.getContexts().map((c) => c.name).join(', ') || '(no contexts)'}`, {
        hint: 'pick one of the listed contexts',
        data: { context: opts.context, source },
      });
    }
    kc.setCurrentContext(opts.context);
  }
  const ctxName = kc.getCurrentContext();
  const ctx = ctxName ? kc.getContextObject(ctxName) : null;
  const cluster = kc.getCurrentCluster();
  if (!ctx || !cluster) {
    throw new FnkitError('FN_ERR_KUBE_CONTEXT', `${source} has no usable current context (current-context: "${ctxName || ''}")`, {
      hint: 'set a current context (kubectl config use-context NAME) or pick one explicitly',
      data: { source },
    });
  }
  let namespace = opts.namespace || ctx.namespace;
  if (!namespace && source === 'in-cluster service account') {
    const nsFile = saRoot + SA_DIR + '/namespace';
    if (existsSync(nsFile)) namespace = readFileSync(nsFile, 'utf8').trim();
  }
  return { kc, server: cluster.server, context: ctx.name, user: ctx.user, namespace: namespace || 'default', source };
}

function loadFile(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch (err) {
    throw new FnkitError('FN_ERR_BAD_KUBECONFIG', `cannot read kubeconfig ${file}: ${(err as Error).message}`, {
      hint: 'fix the file (kubectl config view shows how kubectl reads it)',
      data: { file },
      cause: err,
    });
  }
}

/** kubectl's merge: the first file to set a cluster, user or context (or current-context) wins. */
function mergeKeepingFirst(into: KubeConfig, from: KubeConfig): void {
  for (const c of from.clusters) if (!into.getCluster(c.name)) into.addCluster(c);
  for (const u of from.users) if (!into.getUser(u.name)) into.addUser(u);
  for (const c of from.contexts) if (!into.getContextObject(c.name)) into.addContext(c);
  if (!into.currentContext && from.currentContext) into.setCurrentContext(from.currentContext);
}
