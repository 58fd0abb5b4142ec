// A deployed function's URL, read from its Knative Service status (serving.knative.dev/v1
// Service status.url), so `fn invoke <name>` calls what Knative routes, not a guess.
import { FnkitError } from '../errors.js';
import type { KubeEnvironment } from '../kube/config.js';

export interface ResolveUrlOptions {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  signal?: AbortSignal;
  /** Where to find the kubeconfig; default: the process environment, read once here. */
  env?: KubeEnvironment;
}

export async function resolveDeployedUrl(name: string, opts: ResolveUrlOptions = {}): Promise<string> {
  const { connect } = await import('../kube/client.js');
  const { kubeEnvironment } = await import('../kube/config.js');
  const { KSERVICE } = await import('../kube/resources.js');
  const kube = connect({ namespace: opts.namespace, context: opts.context, kubeconfig: opts.kubeconfig }, opts.env ?? kubeEnvironment());
  const svc = await kube.tryGet(KSERVICE, name, kube.namespace, opts.signal);
  const where = `namespace "${kube.namespace}" (context "${kube.target.context}")`;
  if (!svc) {
    throw new FnkitError('FN_ERR_FUNCTION_NOT_FOUND', `no function "${name}" is deployed in ${where}`, {
      hint: 'check the name and namespace (fn list shows what is deployed), or deploy it first',
      data: { name, namespace: kube.namespace },
    });
  }
  const url = svc.status?.url as string | undefined;
  if (!url) {
    const ready = (svc.status?.conditions as Array<{ type: string; status: string; reason?: string; message?: string }> | undefined)?.find((c) => c.type === 'Ready');
    throw new FnkitError('FN_ERR_FUNCTION_NOT_READY', `function "${name}" in ${where} has no URL yet${ready ? ` (Ready=${ready.status}${ready.reason ? `, ${ready.reason}` : ''}${ready.message ? `: ${ready.message}` : ''})` : ''}`, {
      hint: 'wait for Knative to make it Ready (fn describe shows why it is not)',
      data: { name, namespace: kube.namespace },
    });
  }
  return url;
}
