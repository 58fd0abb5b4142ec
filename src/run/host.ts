// `fn run` on the host: bundle the function (dev mode), start the invoker as a child
// `node --enable-source-maps` process, write the run-state file for `fn invoke`, and stop
// cleanly when the signal fires. With `watch`, src/run/watch.ts takes over after the setup.
import { join } from 'node:path';
import { FnkitError } from '../errors.js';
import { loadFunction } from '../config/fn-yaml.js';
import type { FunctionSpec } from '../config/types.js';
import { readRunState, removeRunState, writeRunState } from '../invoke/run-state.js';
import { freePort, portIsFree, spawnInvoker, type InvokerChild } from './watch-child.js';

export const DEFAULT_PORT = 8080;
export const RUN_HOST = '127.0.0.1';

export interface RunOptions {
  dir: string;
  /** undefined: 8080, or a free port when 8080 is taken. 0: any free port. */
  port?: number;
  watch: boolean;
  /** --env values, over fn.yaml env. */
  env: Record<string, string>;
  signal: AbortSignal;
  /** Progress lines (stderr). */
  log: (line: string) => void;
  /** Where the invoker's own logs go. */
  output: NodeJS.WritableStream;
  /** Called once the function serves, with its URL. */
  onReady?: (info: { url: string; port: number; name: string }) => void;
  /** Base environment of the child (default: process.env). */
  baseEnv?: Record<string, string | undefined>;
}

/** Resolves when the run is over (signal fired, or the invoker exited on its own without --watch). */
export async function runFunction(opts: RunOptions): Promise<void> {
  const spec = await loadFunction(opts.dir);
  const running = await readRunState(spec.dir);
  if (running && running.pid !== process.pid) {
    throw new FnkitError('FN_ERR_ALREADY_RUNNING', `function "${spec.name}" is already running at ${running.url} (fn run pid ${running.pid})`, {
      hint: 'stop that one first (Ctrl-C in its terminal), or call it with `fn invoke`',
      data: { url: running.url, pid: running.pid },
    });
  }
  const port = await choosePort(opts.port);
  if (opts.port === undefined && port !== DEFAULT_PORT) opts.log(`port ${DEFAULT_PORT} is taken; using ${port} (pass --port to choose)`);
  const url = `http://${RUN_HOST}:${port}`;
  if (opts.watch) {
    const { watchLoop } = await import('./watch.js');
    return watchLoop(spec, { ...opts, port, url });
  }
  const { createDevBundles } = await import('../build/bundle-dev.js');
  opts.log(`bundling ${spec.name} (${spec.runtime})...`);
  const bundles = await createDevBundles(spec, { outdir: runOutdir(spec) });
  let child: InvokerChild | undefined;
  try {
    const host = await bundles.host();
    // the invoker half loads while the user's half is bundled
    child = spawnInvoker({ entry: host.entry, env: childEnv(spec, opts), cwd: spec.dir, reservedPrefix: spec.invoker.reservedPrefix, output: opts.output });
    const user = await bundles.user();
    for (const w of [...host.warnings, ...(user?.warnings ?? [])]) opts.log(w);
    await child.activate({ port, module: user?.entry });
    await writeRunState(spec.dir, { url, pid: process.pid, childPid: child.process.pid, port, name: spec.name, watch: false, startedAt: new Date().toISOString() });
    opts.onReady?.({ url, port, name: spec.name });
    const stopped = new Promise<'signal'>((r) => {
      if (opts.signal.aborted) r('signal');
      else opts.signal.addEventListener('abort', () => r('signal'), { once: true });
    });
    const outcome = await Promise.race([stopped, child.exited]);
    if (outcome !== 'signal') {
      throw new FnkitError('FN_ERR_RUN_EXITED', `the function's invoker exited on its own (${outcome})`, {
        hint: 'read the log lines above for the cause',
        data: { exit: outcome },
      });
    }
    opts.log('stopping...');
  } finally {
    await child?.stop();
    await bundles.dispose();
    await removeRunState(spec.dir);
  }
}

export function runOutdir(spec: FunctionSpec): string {
  return join(spec.dir, '.fn', 'run');
}

/** The child's environment: base, fn.yaml env, --env, then what the invoker needs to serve locally. */
export function childEnv(spec: FunctionSpec, opts: Pick<RunOptions, 'env' | 'baseEnv'>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.baseEnv ?? process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, spec.env, opts.env);
  env.FN_HOST = RUN_HOST;
  env.FN_DEV ??= '1';
  env.K_SERVICE ??= spec.name;
  // Lambda code is loaded by handler string from the task root at run time (specs/lambda.md)
  if (spec.runtime === 'lambda') env.LAMBDA_TASK_ROOT = spec.dir;
  return env;
}

async function choosePort(requested: number | undefined): Promise<number> {
  if (requested === 0) return freePort(RUN_HOST);
  if (requested !== undefined) {
    if (!(await portIsFree(requested, RUN_HOST))) {
      throw new FnkitError('FN_ERR_PORT_IN_USE', `port ${requested} on ${RUN_HOST} is already in use`, {
        hint: 'pick another port, or 0 for any free port',
        data: { port: requested, exitCode: 1 },
      });
    }
    return requested;
  }
  return (await portIsFree(DEFAULT_PORT, RUN_HOST)) ? DEFAULT_PORT : freePort(RUN_HOST);
}

/** `--port` and `--env K=V` as typed values; bad syntax is a usage error (exit 2). */
export function parseRunFlags(flags: { port?: string; env?: string[] }): { port?: number; env: Record<string, string> } {
  let port: number | undefined;
  if (flags.port !== undefined) {
    if (!/^\d+$/.test(flags.port) || Number(flags.port) > 65535) {
      throw new FnkitError('FN_ERR_BAD_PORT', `invalid port "${flags.port}": expected a whole number from 0 to 65535`, {
        hint: 'use 0 to let the system pick a free port',
        data: { exitCode: 2 },
      });
    }
    port = Number(flags.port);
  }
  return { port, env: parseEnvPairs(flags.env ?? []) };
}

/** K=V pairs (values may contain "="); names follow fn.yaml's env rule. */
export function parseEnvPairs(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new FnkitError('FN_ERR_BAD_ENV', `invalid --env "${pair}": expected NAME=value with NAME made of letters, digits and "_", not starting with a digit`, {
        hint: 'for example --env GREETING=hello',
        data: { exitCode: 2 },
      });
    }
    env[name] = pair.slice(eq + 1);
  }
  return env;
}
