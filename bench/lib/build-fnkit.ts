// Builds the bench function exactly as `fn build` lays it out in an image: the shared runtime
// part in ./fnkit/*.mjs and the function's entry main.mjs (src/build/image-bundle.ts). Prints
// the entry path.
import { join } from 'node:path';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { ENTRY, functionBundle, runtimeBundle } from '../../src/build/image-bundle.js';

const [dir, outdir] = process.argv.slice(2);
if (!dir || !outdir) throw new Error('usage: build-fnkit.ts <function dir> <outdir>');
const spec = await loadFunction(dir);
await runtimeBundle(spec, outdir);
await functionBundle(spec, outdir);
process.stdout.write(join(outdir, ENTRY) + '\n');
