// Builds the bench function exactly as `fn build` lays it out in an image: the shared runtime
// part in ./fnkit/*.mjs and the function's entry main.mjs (src/build/image-bundle.ts). Prints
// the entry path; <outdir>/image-env.json holds the environment the image sets for node.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { ENTRY, IMAGE_ENV, functionBundle, runtimeBundle } from '../../src/build/image-bundle.js';

const [dir, outdir] = process.argv.slice(2);
if (!dir || !outdir) throw new Error('usage: build-fnkit.ts <function dir> <outdir>');
const spec = await loadFunction(dir);
await runtimeBundle(spec, outdir);
await functionBundle(spec, outdir);
writeFileSync(join(outdir, 'image-env.json'), JSON.stringify(IMAGE_ENV));
process.stdout.write(join(outdir, ENTRY) + '\n');
