// The Lambda runtime: an unchanged AWS Lambda handler behind the fnkit invoker. The bundler
// generates main({ runtime: () => lambdaRuntime({...from fn.yaml}) }); the user's code is not
// bundled but loaded from the task root at run time, as AWS does. This file only wires: it
// reads the environment once, picks the LambdaInvoker (the Node pool, its environments inline or
// worker threads, or the custom runtime's bootstrap host for provided.*), and puts the front
// doors and the Invoke API on it.
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../types.js';
import type { LambdaInvoker } from './types.js';
import { resolveSettings, type LambdaRuntimeOptions, type LambdaSettings } from './settings.js';
import { createWorkerPool } from './pool.js';
import { createDispatcher } from './dispatch.js';
import { createBootstrapInvoker } from './custom/bootstrap-invoker.js';
import { invokeApiRoutes } from './invoke-api.js';
import { inlineEnvironments } from './inline/host.js';
import { functionArn } from './env.js';
import { defaultRuntimeDir } from './environment.js';
import { stdoutLog } from './function-log.js';
import type { LineSink } from './worker/platform-lines.js';

export type { LambdaRuntimeOptions, LambdaSettings };
export { resolveSettings };

export interface LambdaRuntimeExtras {
  /** Where function output goes (default: stdout, one line per write). */
  log?: (line: string) => void;
  /** The environment to read (default: process.env, read once here). */
  processEnv?: Record<string, string | undefined>;
}

function hasExecutableBootstrap(taskRoot: string): boolean {
  const p = join(taskRoot, 'bootstrap');
  if (!existsSync(p)) return false;
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function lambdaRuntime(options: LambdaRuntimeOptions, extras: LambdaRuntimeExtras = {}): Runtime {
  const processEnv = extras.processEnv ?? { ...process.env };
  // An executable bootstrap and no awsRuntime set means a custom runtime (provided.al2023).
  const config = { ...(options.config ?? {}) };
  const taskRoot = options.taskRoot ?? processEnv.LAMBDA_TASK_ROOT ?? process.cwd();
  if (config.awsRuntime === undefined && hasExecutableBootstrap(taskRoot)) config.awsRuntime = 'provided.al2023';
  const settings = resolveSettings({ ...options, config, taskRoot }, processEnv);
  const log: LineSink = extras.log ?? stdoutLog();
  const runtimeDir = defaultRuntimeDir();
  const inline = !settings.custom && settings.isolation === 'inline' ? inlineEnvironments(settings, functionArn(settings), runtimeDir, log) : undefined;
  const invoker: LambdaInvoker = settings.custom
    ? createBootstrapInvoker({
        taskRoot: settings.taskRoot,
        handler: settings.handler,
        name: settings.name,
        timeout: settings.timeout,
        memorySize: settings.memorySize,
        env: options.env ?? {},
        log,
        concurrency: settings.concurrency,
        baseEnv: processEnv,
      })
    : createWorkerPool({ settings, log, runtimeDir, spawn: inline?.spawn });
  const dispatch = createDispatcher({ settings, invoker, log });
  return {
    name: 'lambda',
    init: () => invoker.init(),
    invoke: dispatch,
    shutdown: async () => {
      await invoker.shutdown();
      await inline?.close();
    },
    routes: invokeApiRoutes(invoker, { name: settings.name, timeout: settings.timeout, log }),
    // User code runs in worker threads, a bootstrap process, or inline behind claimUncaught:
    // either way its asynchronous errors are attributed here, not by the invoker.
    attributesAsyncErrors: true,
    ...(inline ? { claimUncaught: inline.claim } : {}),
  };
}
