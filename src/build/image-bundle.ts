// The image's JavaScript in two parts, so the function's own layer holds only the user's code:
//   /app/fnkit/*.mjs  the fnkit runtime (invoker, node and Lambda runtimes, the `fnkit` API, and
//                     fastify/cloudevents inside them): the same bytes for every function built
//                     with this fnkit, so registries and nodes keep one copy and a code change
//                     never re-uploads it;
//   /app/main.mjs     the generated entry (fn.yaml defaults + the user's handler), importing the
//                     runtime by relative path.
// Same esbuild settings as src/build/bundle.ts's production bundle (node20 ESM, minified, linked
// source map, the createRequire banner), reusing its entry generator and plugins.
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import type { FunctionSpec } from '../config/types.js';
import { bundleError, fnkitAliasPlugin } from './bundle.js';
import { entrySource } from './bundle-entry.js';
import { nativeAddonPlugin } from './bundle-native.js';
import { fnkitPaths, type FnkitPaths } from './bundle-paths.js';

/** Folder of the runtime part, relative to the app folder. */
export const RUNTIME_DIR = 'fnkit';
export const ENTRY = 'main.mjs';
const BANNER = "import { createRequire as __fnkitCreateRequire } from 'node:module';\nconst require = __fnkitCreateRequire(import.meta.url);";
const RUNTIME_ENTRIES = ['invoker', 'node', 'lambda', 'public'] as const;

export interface PartBundle {
  /** Absolute paths of the output files. */
  files: string[];
  /** Source files esbuild read (for the memo). */
  inputs: string[];
  /** Packages left outside the bundle (native addons, build.external). */
  external: string[];
}

/** fnkit's runtime, independent of any function: one ESM file per entry plus shared chunks. */
export async function runtimeBundle(spec: FunctionSpec, outdir: string, paths: FnkitPaths = fnkitPaths()): Promise<PartBundle> {
  const esbuild = await import('esbuild');
  const sources: Record<(typeof RUNTIME_ENTRIES)[number], string> = {
    invoker: paths.invokerMain, node: paths.nodeRuntime, lambda: paths.lambdaRuntime, public: paths.publicApi,
  };
  try {
    const result = await esbuild.build({
      entryPoints: sources,
      outdir: resolve(outdir, RUNTIME_DIR),
      entryNames: '[name]',
      chunkNames: 'chunk-[hash]',
      outExtension: { '.js': '.mjs' },
      splitting: true,
      bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true,
      sourcemap: 'linked', sourcesContent: false, banner: { js: BANNER },
      metafile: true, logLevel: 'silent', write: true, absWorkingDir: paths.root, nodePaths: [paths.nodeModules],
    });
    return collect(result.metafile, paths.root, []);
  } catch (err) {
    throw bundleError(spec, err, esbuild.formatMessagesSync);
  }
}

/** The function's entry: defaults + its handler, importing the runtime part from ./fnkit/. */
export async function functionBundle(spec: FunctionSpec, outdir: string, paths: FnkitPaths = fnkitPaths()): Promise<PartBundle> {
  const esbuild = await import('esbuild');
  const rel = (name: string) => `./${RUNTIME_DIR}/${name}.mjs`;
  const linked: FnkitPaths = { ...paths, invokerMain: rel('invoker'), nodeRuntime: rel('node'), lambdaRuntime: rel('lambda'), publicApi: rel('public') };
  const native = new Set<string>();
  const userExternal = [...new Set(spec.build.external ?? [])];
  try {
    const result = await esbuild.build({
      stdin: { contents: entrySource(spec, 'production', linked), resolveDir: spec.dir, sourcefile: 'fnkit-entry.mjs', loader: 'js' },
      outfile: resolve(outdir, ENTRY),
      bundle: true, platform: 'node', format: 'esm', target: 'node20', minify: true,
      sourcemap: 'linked', sourcesContent: false, banner: { js: BANNER },
      external: userExternal,
      metafile: true, logLevel: 'silent', write: true, absWorkingDir: spec.dir, nodePaths: [paths.nodeModules],
      // the runtime link comes first: `fnkit` must resolve to the shared runtime, not a second copy
      plugins: [runtimeLinkPlugin(rel('public')), fnkitAliasPlugin(spec, paths), nativeAddonPlugin(native)],
    });
    return collect(result.metafile, spec.dir, [...userExternal, ...native]);
  } catch (err) {
    throw bundleError(spec, err, esbuild.formatMessagesSync);
  }
}

/** `fnkit` and ./fnkit/*.mjs stay imports of the runtime part. */
function runtimeLinkPlugin(publicPath: string): Plugin {
  return {
    name: 'fnkit-runtime-link',
    setup(build) {
      build.onResolve({ filter: /^fnkit$/ }, () => ({ path: publicPath, external: true }));
      build.onResolve({ filter: new RegExp(`^\\./${RUNTIME_DIR}/(${RUNTIME_ENTRIES.join('|')})\\.mjs$`) }, (args) => ({ path: args.path, external: true }));
    },
  };
}

function collect(metafile: import('esbuild').Metafile | undefined, cwd: string, external: string[]): PartBundle {
  return {
    files: Object.keys(metafile?.outputs ?? {}).map((f) => resolve(cwd, f)).sort(),
    inputs: Object.keys(metafile?.inputs ?? {}).filter((f) => !f.includes(':')).map((f) => resolve(cwd, f)).sort(),
    external: [...new Set(external)].sort(),
  };
}
