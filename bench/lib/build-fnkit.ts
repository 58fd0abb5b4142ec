// Builds the bench function exactly as `fn build` does for an image: the production bundle
// (minified single file: invoker + node runtime + handler). Prints the entry path.
import { loadFunction } from '../../src/config/fn-yaml.js';
import { bundleFunction } from '../../src/build/bundle.js';

const [dir, outdir] = process.argv.slice(2);
if (!dir || !outdir) throw new Error('usage: build-fnkit.ts <function dir> <outdir>');
const spec = await loadFunction(dir);
const res = await bundleFunction(spec, { outdir, mode: 'production' });
process.stdout.write(res.entry + '\n');
