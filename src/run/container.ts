// PLACEHOLDER owned by the build work (issue 4): `fn run --container` builds the image and runs
// it with podman or docker. Replaced by the real implementation; the signature is the contract.
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';

export interface RunContainerOptions { port: number; env?: Record<string, string>; signal?: AbortSignal; log?: (line: string) => void }

/** Resolves when the container has stopped (signal aborted or container exited). */
export async function runContainer(_spec: FunctionSpec, _opts: RunContainerOptions): Promise<void> {
  throw new FnkitError('FN_ERR_NOT_IMPLEMENTED', 'fn run --container is not available yet');
}
