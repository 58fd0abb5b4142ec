// `fn run`'s two-part dev bundle. The invoker half (fastify, cloudevents, the runtime: most of the
// bytes) is bundled once per fn.yaml into host.mjs; the user's handler is bundled on every save
// into user.mjs, which is small, so a rebuild takes milliseconds. host.mjs loads the invoker
// first and then waits for a message naming the port (and user.mjs), which lets `fn run --watch`
// keep a warm spare process ready and swap it in right after a save.
import { dirname, join, resolve } from 'node:path';
import type { BuildContext, BuildOptions, Plugin } from 'esbuild';
import type { FunctionSpec } from '../config/types.js';
import { fnkitPaths, type FnkitPaths } from './bundle-paths.js';
import { DEFAULTS_MODULE, invokerDefaults, lambdaOptions } from './bundle-entry.js';
import { bundleError, checkHandlerFile, fnkitAliasPlugin, writeOutputs } from './bundle.js';
import { nativeAddonPlugin } from './bundle-native.js';

export const HOST_FILE = 'host.mjs';
export const USER_FILE = 'user.mjs';

/** The message host.mjs waits for (over the IPC channel, or as FN_DEV_* env without one). */
export interface ActivateMessage {
  port: number;
  /** Absolute path of user.mjs (node runtime only). */
  module?: string;
}

export interface DevBuild {
  entry: string;
  warnings: string[];
  /** Source files that went in (watched for changes). */
  inputs: string[];
}

export interface DevBundles {
  /** host.mjs: built once. */
  host(): Promise<DevBuild>;
  /** user.mjs: rebuilt incrementally; undefined for the lambda runtime (its code is not bundled). */
  user(): Promise<DevBuild | undefined>;
  dispose(): Promise<void>;
}

const BANNER = "import { createRequire as __fnkitCreateRequire } from 'node:module';\nconst require = __fnkitCreateRequire(import.meta.url);";

export function hostEntrySource(spec: FunctionSpec, paths: FnkitPaths): string {
  const defaults = JSON.stringify(invokerDefaults(spec, 'dev'));
  const runtime = spec.runtime === 'lambda'
    ? `const { lambdaRuntime } = await import(${JSON.stringify(paths.lambdaRuntime)});
  return lambdaRuntime(${JSON.stringify(lambdaOptions(spec))});`
    : `const { nodeRuntime } = await import(${JSON.stringify(paths.nodeRuntime)});
  const userModule = await import(pathToFileURL(msg.module).href);
  return nodeRuntime(userModule, { dev: true });`;
  return `import ${JSON.stringify(DEFAULTS_MODULE)};
import { pathToFileURL } from 'node:url';
import { main } from ${JSON.stringify(paths.invokerMain)};
// loaded eagerly so a spare process has paid for it before the user's code arrives
import ${JSON.stringify(spec.runtime === 'lambda' ? paths.lambdaRuntime : paths.nodeRuntime)};

async function loadRuntime(msg) {
  ${runtime}
}
async function activate(msg) {
  process.env.PORT = String(msg.port);
  let runtime;
  try {
    runtime = await loadRuntime(msg);
  } catch (err) {
    process.stderr.write('fn run: the function could not be loaded: ' + (err && err.stack || err) + '\\n');
    process.exit(1);
  }
  await main({ runtime, defaults: ${defaults} });
  // main() resolves once the invoker listens and init() is done: readiness, without polling
  process.send?.({ ready: true });
}
if (process.send) {
  process.once('message', (msg) => void activate(msg));
  // a message sent before the listener exists would be lost, so fn run waits for this one
  process.send({ loaded: true });
  // fn run went away (even killed): nobody can reach or stop this process any more, and its
  // log pipes are broken, so exit at once rather than linger as an orphan
  process.once('disconnect', () => process.exit(0));
} else {
  await activate({ port: Number(process.env.PORT ?? 8080), module: process.env.FN_DEV_MODULE });
}
`;
}

export async function createDevBundles(spec: FunctionSpec, opts: { outdir: string }): Promise<DevBundles> {
  checkHandlerFile(spec);
  const esbuild = await import('esbuild');
  const paths = fnkitPaths();
  const outdir = resolve(opts.outdir);
  const common: BuildOptions = {
    bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: 'linked', banner: { js: BANNER },
    metafile: true, logLevel: 'silent', write: false, absWorkingDir: spec.dir, nodePaths: [paths.nodeModules],
  };
  const native = new Set<string>();
  const defaultsPlugin: Plugin = fnkitAliasPlugin(spec, paths);
  let userCtx: BuildContext | undefined;
  const collect = (result: import('esbuild').BuildResult & { metafile?: import('esbuild').Metafile }, entry: string): DevBuild => ({
    entry,
    warnings: esbuild.formatMessagesSync(result.warnings, { kind: 'warning', color: false }).map((s) => s.trim()),
    inputs: Object.keys(result.metafile?.inputs ?? {}).filter((f) => !f.includes(':')).map((f) => resolve(spec.dir, f)).sort(),
  });
  return {
    async host() {
      const entry = join(outdir, HOST_FILE);
      try {
        const result = await esbuild.build({
          ...common,
          stdin: { contents: hostEntrySource(spec, paths), resolveDir: dirname(paths.invokerMain), sourcefile: 'fnkit-dev-host.mjs', loader: 'js' },
          outfile: entry,
          // node --enable-source-maps parses a map eagerly at load; the invoker half's 3 MB map
          // would cost every (re)start, and user frames come from user.mjs's own map
          sourcemap: false,
          // less to parse on every spare's start (2.0 MB → 0.85 MB); names kept for readable logs
          minify: true,
          keepNames: true,
          plugins: [defaultsPlugin],
        });
        await writeOutputs(result.outputFiles ?? []);
        return collect(result, entry);
      } catch (err) {
        throw bundleError(spec, err, esbuild.formatMessagesSync);
      }
    },
    async user() {
      if (spec.runtime === 'lambda') return undefined;
      const entry = join(outdir, USER_FILE);
      try {
        userCtx ??= await esbuild.context({
          ...common,
          entryPoints: [join(spec.dir, spec.handler)],
          outfile: entry,
          plugins: [defaultsPlugin, nativeAddonPlugin(native)],
        });
        const result = await userCtx.rebuild();
        await writeOutputs(result.outputFiles ?? []);
        return collect(result, entry);
      } catch (err) {
        throw bundleError(spec, err, esbuild.formatMessagesSync);
      }
    },
    async dispose() {
      await userCtx?.dispose();
    },
  };
}
