// Builds the bench function exactly as `fn build` lays it out in an image: the shared runtime
// part in ./fnkit/*.mjs and the function's entry main.mjs (src/build/image-bundle.ts). Prints
// the entry path; <outdir>/image-env.json holds the environment the image sets for node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { CODE_CACHE, ENTRY, RUNTIME_DIR, functionBundle, imageEnv, runtimeBundle } from '../../src/build/image-bundle.js';
import { runTraining } from '../../src/build/code-cache.js';

const [dir, outdir] = process.argv.slice(2);
if (!dir || !outdir) throw new Error('usage: build-fnkit.ts <function dir> <outdir>');
const spec = await loadFunction(dir);
await runtimeBundle(spec, outdir);
const fn = await functionBundle(spec, outdir);
// the image's environment for the node that runs the bench (fn build decides it by the base's node)
const env = imageEnv(process.version);
// the code cache fn build adds, made here by the node that runs the bench (as fn build uses the
// base image's node); BENCH_NO_CODE_CACHE=1 measures an image built without one
if (process.env.BENCH_NO_CODE_CACHE !== '1') {
  const failed = await runTraining(process.execPath, join(outdir, RUNTIME_DIR), join(outdir, RUNTIME_DIR, CODE_CACHE), env.NODE_OPTIONS);
  if (failed) throw new Error(`code cache: ${failed}`);
}
writeFileSync(join(outdir, 'image-env.json'), JSON.stringify(env));
process.stdout.write(join(outdir, fn.entry ?? ENTRY) + '\n');
