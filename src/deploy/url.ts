// PLACEHOLDER owned by the deploy work (issue 5): resolves a deployed function's URL from its
// Knative Service status. Replaced by the real implementation; the signature is the contract.
import { FnkitError } from '../errors.js';

export interface ResolveUrlOptions { namespace?: string; context?: string; kubeconfig?: string; signal?: AbortSignal }

export async function resolveDeployedUrl(name: string, _opts: ResolveUrlOptions = {}): Promise<string> {
  throw new FnkitError('FN_ERR_NOT_IMPLEMENTED', `cannot resolve deployed function "${name}" yet`);
}
