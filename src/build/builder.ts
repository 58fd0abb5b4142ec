// Temporary: the builder lands in the next commits; the surface in index.ts is the contract.
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';
import type { BuildOptions, BuildResult } from './index.js';

export async function build(_spec: FunctionSpec, _opts: BuildOptions): Promise<BuildResult> {
  throw new FnkitError('FN_ERR_NOT_IMPLEMENTED', 'fn build is being written');
}
