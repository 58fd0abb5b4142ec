// Bundles a function into one ESM file for node20: a generated entry (invoker + runtime + for
// the node runtime the user's module), with a source map so stack traces point at the user's
// .ts lines under `node --enable-source-maps`. The one-file form; `fn build` splits the image's
// bundle (image-bundle.ts) and `fn run` uses bundle-dev.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BuildContext, BuildOptions, Message, Plugin } from 'esbuild';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';
import { fnkitPaths, type FnkitPaths } from './bundle-paths.js';
import { DEFAULTS_MODULE, bakedEnv, defaultsModuleSource, entrySource } from './bundle-entry.js';
import { nativeAddonPlugin } from './bundle-native.js';

export interface BundleOptions {
  outdir: string;
  mode: 'dev' | 'production';
  /** Default: true in production. */
  minify?: boolean;
  /** Default: 'linked'. */
  sourcemap?: boolean | 'inline' | 'linked';
  /** Package names to leave out of the bundle (installed beside it). */
  external?: string[];
  signal?: AbortSignal;
}

export interface BundleResult {
  /** Absolute path of the main .mjs. */
  entry: string;
  /** Absolute paths of every output file, sorted. */
  files: string[];
  /** Package names left out of the bundle, which must be installed beside it (native addons, user-listed). */
  external: string[];
  warnings: string[];
  /** Absolute paths of the source files that went in (outside node_modules too), sorted. */
  inputs?: string[];
}

export const ENTRY_FILE = 'main.mjs';

/** Bundles once. */
export async function bundleFunction(spec: FunctionSpec, opts: BundleOptions): Promise<BundleResult> {
  const ctx = await createBundleContext(spec, opts);
  try {
    return await ctx.rebuild();
  } finally {
    await ctx.dispose();
  }
}

export interface BundleContext {
  /** Rebuilds incrementally; throws FN_ERR_BUNDLE with esbuild's formatted errors. */
  rebuild(): Promise<BundleResult>;
  dispose(): Promise<void>;
}

/** An incremental bundler for `fn run --watch`: create once, rebuild on every save. */
export async function createBundleContext(spec: FunctionSpec, opts: BundleOptions): Promise<BundleContext> {
  throwIfAborted(opts.signal);
  checkHandlerFile(spec);
  const esbuild = await import('esbuild');
  const paths = fnkitPaths();
  const outdir = resolve(opts.outdir);
  const native = new Set<string>();
  const userExternal = [...new Set(opts.external ?? [])];
  const options: BuildOptions = {
    stdin: { contents: entrySource(spec, opts.mode, paths), resolveDir: spec.dir, sourcefile: 'fnkit-entry.mjs', loader: 'js' },
    outfile: join(outdir, ENTRY_FILE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: opts.minify ?? opts.mode === 'production',
    sourcemap: opts.sourcemap === undefined ? 'linked' : opts.sourcemap,
    sourcesContent: opts.mode === 'dev',
    // some bundled CommonJS packages call require() on node built-ins; ESM has no require
    banner: {
      js: "import { createRequire as __fnkitCreateRequire } from 'node:module';\nconst require = __fnkitCreateRequire(import.meta.url);",
    },
    external: userExternal,
    metafile: true,
    logLevel: 'silent',
    // written by us only when the build succeeds: a failed rebuild must leave the last good output
    write: false,
    absWorkingDir: spec.dir,
    // fnkit's own dependencies (fastify, cloudevents) resolve from fnkit's node_modules
    nodePaths: [paths.nodeModules],
    plugins: [fnkitAliasPlugin(spec, paths), nativeAddonPlugin(native)],
  };
  let ctx: BuildContext;
  try {
    ctx = await esbuild.context(options);
  } catch (err) {
    throw bundleError(spec, err);
  }
  return {
    async rebuild() {
      throwIfAborted(opts.signal);
      await mkdir(outdir, { recursive: true });
      let result;
      try {
        result = await ctx.rebuild();
      } catch (err) {
        throw bundleError(spec, err, esbuild.formatMessagesSync);
      }
      await writeOutputs(result.outputFiles ?? []);
      const files = Object.keys(result.metafile?.outputs ?? {}).map((f) => resolve(spec.dir, f)).sort();
      const inputs = Object.keys(result.metafile?.inputs ?? {})
        .filter((f) => !f.includes(':'))
        .map((f) => resolve(spec.dir, f))
        .sort();
      const warnings = esbuild.formatMessagesSync(result.warnings, { kind: 'warning', color: false }).map((s) => s.trim());
      return { entry: join(outdir, ENTRY_FILE), files, external: [...new Set([...userExternal, ...native])].sort(), warnings, inputs };
    },
    async dispose() {
      await ctx.dispose();
    },
  };
}

/** Writes esbuild's in-memory outputs (each file whole, after the build succeeded). */
export async function writeOutputs(files: ReadonlyArray<{ path: string; contents: Uint8Array }>): Promise<void> {
  await Promise.all(files.map(async (f) => {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, f.contents);
  }));
}

/** A node function's handler file must exist: say so in fn.yaml terms, not esbuild's. */
export function checkHandlerFile(spec: FunctionSpec): void {
  if (spec.runtime !== 'node') return;
  const file = join(spec.dir, spec.handler);
  if (!existsSync(file)) {
    throw new FnkitError('FN_ERR_NO_HANDLER_FILE', `the handler file ${file} (fn.yaml field "handler": ${JSON.stringify(spec.handler)}) does not exist`, {
      hint: `create it, or point "handler" in ${spec.file} at the module that exports the handler`,
      data: { file: spec.file, field: 'handler', handler: spec.handler },
    });
  }
}

/** Resolves `fnkit`, `fnkit/testing` and the baked defaults module to fnkit's own sources. */
export function fnkitAliasPlugin(spec: FunctionSpec, paths: FnkitPaths): Plugin {
  return {
    name: 'fnkit-alias',
    setup(build) {
      build.onResolve({ filter: /^fnkit(\/testing)?$/ }, (args) => ({
        path: args.path === 'fnkit' ? paths.publicApi : paths.testing,
      }));
      build.onResolve({ filter: /^fnkit:defaults$/ }, () => ({ path: DEFAULTS_MODULE, namespace: 'fnkit' }));
      build.onLoad({ filter: /.*/, namespace: 'fnkit' }, () => ({
        contents: defaultsModuleSource(bakedEnv(spec)),
        loader: 'js',
        resolveDir: dirname(paths.invokerMain),
      }));
    },
  };
}

export function bundleError(spec: FunctionSpec, err: unknown, format?: (m: Message[], o: { kind: 'error'; color: boolean }) => string[]): FnkitError {
  const errors = (err as { errors?: Message[] }).errors;
  const text = errors && format ? format(errors, { kind: 'error', color: false }).join('\n').trim() : (err as Error).message;
  return new FnkitError('FN_ERR_BUNDLE', `cannot bundle function "${spec.name}" in ${spec.dir}:\n${text}`, {
    hint: 'fix the error at the file and line shown, then save again',
    data: { dir: spec.dir, errors: errors?.map((e) => ({ text: e.text, file: e.location?.file, line: e.location?.line })) },
    cause: err,
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FnkitError('FN_ERR_ABORTED', 'bundling was cancelled', { cause: signal.reason });
}
