// The image's JavaScript in two parts, so the function's own layer holds only the user's code:
//   /app/fnkit/       the fnkit runtime (invoker, node and Lambda runtimes, the `fnkit` API, and
//                     fastify/cloudevents inside them) in runtime.cjs, loaded by load.cjs and
//                     re-exported per entry by invoker.mjs, node.mjs, lambda.mjs, public.mjs: the
//                     same bytes for every function built with this fnkit, so registries and
//                     nodes keep one copy and a code change never re-uploads it;
//   /app/main.cjs     the generated entry (fn.yaml defaults + the user's handler), importing the
//   or /app/main.mjs  runtime by relative path: CommonJS when that is the same program (it starts
//                     sooner on node 20), else an ES module (functionBundle says when).
// Minified, node20, linked source maps, reusing src/build/bundle.ts's entry generator and plugins.
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import type { FunctionSpec } from '../config/types.js';
import { bundleError, fnkitAliasPlugin } from './bundle.js';
import { entrySource } from './bundle-entry.js';
import { nativeAddonPlugin } from './bundle-native.js';
import { fnkitPaths, type FnkitPaths } from './bundle-paths.js';

/**
 * Environment of an image's node process (set in the image config, src/build/builder.ts; the bench
 * runs the bundle with it too). NODE_OPTIONS caps V8's young generation at 4 MiB per semi-space:
 * under load V8 otherwise grows it to 16 MiB, which puts RSS after load at ~1.22x bare node:http
 * instead of ~1.08x at the same CPU per request (docs/invoker.md, "Benchmark"). Only on Node 24
 * and later, or when the version is unknown: Node 20 and 22 refuse their own built-in code cache
 * when NODE_OPTIONS carries any V8 flag, and compile every built-in module they load from source,
 * ~24 ms more cold start (measured; docs/invoker.md, "Cold start"). A NODE_OPTIONS of the user's
 * (fn.yaml env, deploy env) replaces it.
 */
export function imageEnv(nodeVersion: string | undefined): Record<string, string> {
  const major = Number(/^v?(\d+)\./.exec(nodeVersion ?? '')?.[1]);
  return major && major < 24 ? { NODE_ENV: 'production' } : { NODE_ENV: 'production', NODE_OPTIONS: SEMI_SPACE_CAP };
}
export const SEMI_SPACE_CAP = '--max-semi-space-size=4';

/** Folder of the runtime part, relative to the app folder. */
export const RUNTIME_DIR = 'fnkit';
export const ENTRY = 'main.mjs';
/**
 * Strict mode for a CommonJS bundle, as an ES module always has it: the sources are ES modules
 * (and were bundled as such before), so they keep the semantics they were written for.
 */
const STRICT = '"use strict";';
/** The entry when the function bundles as CommonJS (functionBundle). */
export const ENTRY_CJS = 'main.cjs';
/** import.meta's file fields, for code bundled as CommonJS. */
const CJS_BANNER = `${STRICT}\nvar __fnkitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;`;
const IMPORT_META_IN_CJS: Record<string, string> = { 'import.meta.url': '__fnkitImportMetaUrl', 'import.meta.filename': '__filename', 'import.meta.dirname': '__dirname' };
const BANNER = "import { createRequire as __fnkitCreateRequire } from 'node:module';\nconst require = __fnkitCreateRequire(import.meta.url);";
const RUNTIME_ENTRIES = ['invoker', 'node', 'lambda', 'public'] as const;
const EAGER_ENTRIES = ['invoker', 'node', 'public'] as const;
/** Where each entry's names sit in runtime.cjs's exports. */
const FACE_KEY: Record<(typeof RUNTIME_ENTRIES)[number], string> = { invoker: 'invoker', node: 'node', public: 'api', lambda: 'lazy.lambda' };
/**
 * Packages fastify require()s only inside functions that a function never calls in production:
 * the schema compilers (the invoker passes its own, invoker/server.ts) and light-my-request
 * (`inject`, used by fnkit/testing). In the main bundle V8 would still parse their ~280 KB at
 * every cold start; as separate CommonJS files beside it they cost nothing until required.
 */
export const LAZY_PACKAGES = ['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'light-my-request'] as const;
const LAZY_DIR = 'lazy';
/**
 * Node built-ins a bundled file require()s at its top but uses only on a path a function never
 * takes: fastify's server.js loads https and http2 (with tls: 4–12 ms of start-up on Node 20)
 * for `https`/`http2` options the invoker never passes. Those requires get a module object that
 * loads the built-in on first property access.
 */
const LAZY_BUILTINS: Record<string, string[]> = {
  'fastify/lib/server.js': ['node:https', 'node:http2'],
};
/**
 * Packages a bundled file require()s at its top but calls only on paths a function never takes:
 * semver (fastify's plugin metadata checks), safe-regex2 and its ret (find-my-way, regex routes),
 * proxy-addr and its ipaddr.js (fastify, `trustProxy`), thread-stream (pino, transports). About
 * 66 KB that V8 would parse and run at every cold start (docs/invoker.md, "Benchmark"). Each is
 * built like LAZY_PACKAGES, and those requires get a stand-in that loads it on first use: a
 * property read, a call or `new`.
 */
export const DEFERRED_PACKAGES: Record<string, string[]> = {
  'fastify/lib/plugin-utils.js': ['semver'],
  'find-my-way/index.js': ['safe-regex2'],
  'fastify/lib/request.js': ['@fastify/proxy-addr'],
  'pino/lib/transport.js': ['thread-stream'],
};
const deferredNames = () => [...new Set(Object.values(DEFERRED_PACKAGES).flat())];
const lazyFile = (name: string) => `${name.replace(/^@/, '').replace(/\//g, '__')}.cjs`;

export interface PartBundle {
  /** Absolute paths of the output files. */
  files: string[];
  /** Source files esbuild read (for the memo). */
  inputs: string[];
  /** Packages left outside the bundle (native addons, build.external). */
  external: string[];
  /** The function's entry file, relative to the output folder (main.cjs or main.mjs). */
  entry?: string;
}

/** The runtime's one CommonJS bundle, its loader and the V8 code cache the build may add beside it. */
export const RUNTIME_BUNDLE = 'runtime.cjs';
export const RUNTIME_LOADER = 'load.cjs';
export const CODE_CACHE = `${RUNTIME_BUNDLE}.cache`;

/**
 * fnkit's runtime, independent of any function: one CommonJS bundle (runtime.cjs) that load.cjs
 * compiles with a V8 code cache when the image has one, and per entry a small ESM module
 * (invoker.mjs, node.mjs, lambda.mjs, public.mjs) that re-exports the entry's names from it, so
 * main.mjs and user code import the runtime as before. One bundle rather than ESM chunks: Node 20
 * can use a code cache only for a script (src/build/runtime/load.cjs says why).
 */
export async function runtimeBundle(spec: FunctionSpec, outdir: string, paths: FnkitPaths = fnkitPaths()): Promise<PartBundle> {
  const esbuild = await import('esbuild');
  const sources: Record<(typeof RUNTIME_ENTRIES)[number], string> = {
    invoker: paths.invokerMain, node: paths.nodeRuntime, lambda: paths.lambdaRuntime, public: paths.publicApi,
  };
  const dir = resolve(outdir, RUNTIME_DIR);
  const common: BuildOptions = {
    bundle: true, platform: 'node', target: 'node20', metafile: true, logLevel: 'silent', absWorkingDir: paths.root, nodePaths: [paths.nodeModules],
    plugins: [lazyRequirePlugin(), lazyBuiltinPlugin(), deferredRequirePlugin(), findMyWayChecksPlugin()],
  };
  try {
    const names = exportNames(esbuild, sources, common);
    names.catch(() => undefined); // its failure is thrown where it is awaited, below
    const built = await Promise.all([
      esbuild.build({
        ...common,
        stdin: {
          contents: [
            ...EAGER_ENTRIES.map((e) => `export * as ${FACE_KEY[e]} from ${JSON.stringify(sources[e])};`),
            // the Lambda runtime's module code runs only in a Lambda function: esbuild turns a
            // require()d module graph into code that runs on first require (~4 ms of a node
            // function's cold start otherwise)
            `export const lazy = { get lambda() { return require(${JSON.stringify(sources.lambda)}); } };`,
          ].join('\n'),
          resolveDir: paths.root, sourcefile: 'fnkit-runtime.js', loader: 'js',
        },
        outfile: resolve(dir, RUNTIME_BUNDLE),
        banner: { js: STRICT },
        format: 'cjs', minify: true, sourcemap: 'linked', sourcesContent: false, write: true,
      }),
      // each lazy package as its own CommonJS bundle, required by relative path from runtime.cjs
      ...[...LAZY_PACKAGES, ...deferredNames()].map((name) => esbuild.build({
        ...common,
        plugins: [],
        entryPoints: [name],
        outfile: resolve(dir, LAZY_DIR, lazyFile(name)),
        format: 'cjs', minify: true, sourcemap: 'linked', sourcesContent: false, write: true,
      })),
    ]);
    const written: string[] = [];
    const loader = resolve(paths.root, 'src', 'build', 'runtime', RUNTIME_LOADER);
    await writeFile(resolve(dir, RUNTIME_LOADER), await readFile(loader));
    written.push(resolve(dir, RUNTIME_LOADER));
    for (const e of RUNTIME_ENTRIES) {
      const file = resolve(dir, `${e}.mjs`);
      await writeFile(file, reexportSource(FACE_KEY[e], (await names)[e] ?? []));
      // and for an entry bundled as CommonJS (functionBundle)
      const cjs = resolve(dir, `${e}.cjs`);
      await writeFile(cjs, `module.exports = require('./${RUNTIME_LOADER}').${FACE_KEY[e]};\n`);
      written.push(file, cjs);
    }
    const parts = built.map((r) => collect(r.metafile, paths.root, []));
    return {
      files: [...parts.flatMap((p) => p.files), ...written].sort(),
      inputs: [...new Set([...parts.flatMap((p) => p.inputs), loader])].sort(),
      external: [],
    };
  } catch (err) {
    throw bundleError(spec, err, esbuild.formatMessagesSync);
  }
}

/** The names each entry exports, from an ESM build esbuild analyses and does not write. */
async function exportNames(esbuild: typeof import('esbuild'), sources: Record<string, string>, common: BuildOptions): Promise<Record<string, string[]>> {
  const r = await esbuild.build({ ...common, entryPoints: sources, outdir: '/fnkit-names', format: 'esm', splitting: true, write: false, entryNames: '[name]' });
  const names: Record<string, string[]> = {};
  for (const [out, meta] of Object.entries(r.metafile!.outputs)) {
    const m = /([^/]+)\.js$/.exec(out);
    if (m && m[1]! in sources && meta.entryPoint) names[m[1]!] = meta.exports;
  }
  return names;
}

/** An entry's ESM face: its names, taken from the one CommonJS bundle that load.cjs loads. */
function reexportSource(key: string, names: string[]): string {
  const plain = names.filter((n) => n !== 'default');
  return [
    `import runtime from './${RUNTIME_LOADER}';`,
    `const m = runtime.${key};`,
    ...(plain.length ? [`export const { ${plain.join(', ')} } = m;`] : []),
    ...(names.includes('default') ? ['export default m.default;'] : []),
    '',
  ].join('\n');
}

/** The function's entry: defaults + its handler, importing the runtime part from ./fnkit/. */
export async function functionBundle(spec: FunctionSpec, outdir: string, paths: FnkitPaths = fnkitPaths()): Promise<PartBundle> {
  const esbuild = await import('esbuild');
  const userExternal = [...new Set(spec.build.external ?? [])];
  const build = async (format: 'cjs' | 'esm', write: boolean) => {
    const ext = format === 'cjs' ? 'cjs' : 'mjs';
    const rel = (name: string) => `./${RUNTIME_DIR}/${name}.${ext}`;
    const linked: FnkitPaths = { ...paths, invokerMain: rel('invoker'), nodeRuntime: rel('node'), lambdaRuntime: rel('lambda'), publicApi: rel('public') };
    const native = new Set<string>();
    const result = await esbuild.build({
      // an .mjs name in both formats: esbuild then imports CommonJS handlers the way node does
      // (`default` is module.exports even when it is marked __esModule), as `fn run` and main.mjs do
      stdin: { contents: entrySource(spec, 'production', linked, format), resolveDir: spec.dir, sourcefile: 'fnkit-entry.mjs', loader: 'js' },
      outfile: resolve(outdir, format === 'cjs' ? ENTRY_CJS : ENTRY),
      bundle: true, platform: 'node', format, target: 'node20', minify: true,
      sourcemap: 'linked', sourcesContent: false,
      ...(format === 'cjs' ? { banner: { js: CJS_BANNER }, define: IMPORT_META_IN_CJS } : { banner: { js: BANNER } }),
      external: userExternal,
      metafile: true, logLevel: 'silent', write, absWorkingDir: spec.dir, nodePaths: [paths.nodeModules],
      // the runtime link comes first: `fnkit` must resolve to the shared runtime, not a second copy
      plugins: [runtimeLinkPlugin(rel('public'), ext), fnkitAliasPlugin(spec, paths), nativeAddonPlugin(native)],
    });
    return { result, native };
  };
  try {
    // CommonJS when it means the same program: node 20 starts a CommonJS entry ~11 ms sooner than an
    // ES module one (its ESM loader; docs/invoker.md "Cold start"). Not when something stays
    // outside the bundle (require() of an ES module package fails on node 20), when the code awaits
    // at its top level (esbuild refuses), or reads an import.meta field CommonJS has no value for.
    if (userExternal.length === 0) {
      const cjs = await build('cjs', false).catch(() => undefined);
      if (cjs && cjs.native.size === 0 && !cjs.result.warnings.some((w) => w.id === 'empty-import-meta')) {
        for (const f of cjs.result.outputFiles ?? []) await writeFile(f.path, f.contents);
        return { ...collect(cjs.result.metafile, spec.dir, []), entry: ENTRY_CJS };
      }
    }
    const { result, native } = await build('esm', true);
    return { ...collect(result.metafile, spec.dir, [...userExternal, ...native]), entry: ENTRY };
  } catch (err) {
    throw bundleError(spec, err, esbuild.formatMessagesSync);
  }
}

/** require() of a LAZY_PACKAGES name becomes a require of ./lazy/<name>.cjs beside the chunk. */
function lazyRequirePlugin(): Plugin {
  const names = new Set<string>(LAZY_PACKAGES);
  return {
    name: 'fnkit-lazy-require',
    setup(build) {
      build.onResolve({ filter: /^(@fastify\/|light-my-request$)/ }, (args) => (
        names.has(args.path) && args.kind === 'require-call' ? { path: `./${LAZY_DIR}/${lazyFile(args.path)}`, external: true } : undefined
      ));
    },
  };
}

/** The DEFERRED_PACKAGES requires resolve to a stand-in that require()s ./lazy/<name>.cjs on first use. */
export function deferredRequirePlugin(): Plugin {
  return standInPlugin('fnkit-deferred', DEFERRED_PACKAGES, /^[@a-z]/, (name) => `./${LAZY_DIR}/${lazyFile(name)}`, true);
}

/**
 * find-my-way checks three of its own constant regexes with safe-regex2 when it loads, which
 * loads safe-regex2 (deferred otherwise: DEFERRED_PACKAGES) at every cold start, ~4 ms. The
 * check moves to the build: the same function on the same regexes, run here once; a regex that
 * fails it fails the build as it would fail the start. A check whose constant cannot be read
 * stays in the code. test/build/runtime-bundle.test.ts sees that none is left.
 */
export function findMyWayChecksPlugin(): Plugin {
  return {
    name: 'fnkit-find-my-way-checks',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]find-my-way[\\/]index\.js$/ }, async (args) => {
        const src = await readFile(args.path, 'utf8');
        const isRegexSafe = createRequire(args.path)('safe-regex2') as (re: RegExp) => boolean;
        const contents = src.replace(/if \(!isRegexSafe\((\w+)\)\) \{\s*throw new Error\([^)]*\)\s*\}\n?/g, (block, name: string) => {
          const literal = new RegExp(`^const ${name} = /(.+)/([a-z]*)$`, 'm').exec(src);
          if (!literal) return block;
          if (!isRegexSafe(new RegExp(literal[1]!, literal[2]))) throw new Error(`find-my-way's ${name} is not safe (safe-regex2): update find-my-way`);
          return '';
        });
        return { contents, loader: 'js' };
      });
    },
  };
}

/** The LAZY_BUILTINS requires resolve to a proxy that require()s the built-in on first use. */
export function lazyBuiltinPlugin(): Plugin {
  return standInPlugin('fnkit-lazy-builtin', LAZY_BUILTINS, /^node:/, (name) => name, false);
}

/**
 * require(<name>) from one of `owners`' files (paths under node_modules) becomes a stand-in that
 * require()s `target(name)` on first use. `callable`: the stand-in can also be called and
 * constructed, as a package exporting a function or class is; a built-in's stand-in is a plain
 * object, so its keys can be listed (a function target's own `prototype` would get in the way).
 */
function standInPlugin(namespace: string, owners: Record<string, string[]>, filter: RegExp, target: (name: string) => string, callable: boolean): Plugin {
  const byFile = Object.entries(owners).map(([file, names]) => ({ suffix: `/node_modules/${file}`, names: new Set(names) }));
  const traps = callable
    ? `apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),`
    : `ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, k) => { const d = Reflect.getOwnPropertyDescriptor(load(), k); return d && { ...d, configurable: true }; },`;
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter }, (args) => {
        if (args.kind !== 'require-call' || args.namespace !== 'file') return undefined;
        const importer = args.importer.split('\\').join('/');
        return byFile.some((o) => importer.endsWith(o.suffix) && o.names.has(args.path)) ? { path: args.path, namespace } : undefined;
      });
      // the stand-in's own require of a file beside the chunk stays a require, resolved at run time
      build.onResolve({ filter: /^\.\//, namespace }, (args) => ({ path: args.path, external: true }));
      build.onLoad({ filter: /.*/, namespace }, (args) => ({
        loader: 'js',
        contents: `let m;
const load = () => (m ??= require(${JSON.stringify(target(args.path))}));
module.exports = new Proxy(${callable ? 'function () {}' : '{}'}, {
  get: (_, k) => load()[k],
  has: (_, k) => k in load(),
  ${traps}
});`,
      }));
    },
  };
}

/** `fnkit` and ./fnkit/<entry>.mjs or .cjs (the entry's format) stay imports of the runtime part. */
function runtimeLinkPlugin(publicPath: string, ext: 'cjs' | 'mjs'): Plugin {
  return {
    name: 'fnkit-runtime-link',
    setup(build) {
      build.onResolve({ filter: /^fnkit$/ }, () => ({ path: publicPath, external: true }));
      build.onResolve({ filter: new RegExp(`^\\./${RUNTIME_DIR}/(${RUNTIME_ENTRIES.join('|')})\\.${ext}$`) }, (args) => ({ path: args.path, external: true }));
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
