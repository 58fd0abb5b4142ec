// The container and `fn run` entry: read the environment once, build the invoker, listen, run the
// handler's init, and drain on SIGTERM/SIGINT. Node may be PID 1 in the container, where default
// signal dispositions do nothing, so the handlers are explicit.
import type { Runtime } from '../runtimes/types.js';
import { readSettings, type InvokerSettings } from './config.js';
import { createInvoker } from './server.js';
import { installLazySourceMaps } from './stack-maps.js';
import { capYoungGeneration } from './young-generation.js';
import { keepSpeedAfterIdle } from './after-idle.js';

export interface MainOptions {
  runtime: Runtime | (() => Runtime | Promise<Runtime>);
  defaults?: Partial<InvokerSettings>;
}

function fatal(msg: string, extra: Record<string, unknown> = {}): never {
  process.stderr.write(JSON.stringify({ level: 60, time: Date.now(), msg, ...extra }) + '\n');
  process.exit(1);
}

export async function main(options: MainOptions): Promise<void> {
  installLazySourceMaps();
  void keepSpeedAfterIdle();
  let settings: InvokerSettings;
  try {
    settings = readSettings(process.env, options.defaults);
  } catch (e) {
    fatal((e as Error).message, { code: (e as { code?: string }).code });
  }
  let runtime: Runtime;
  try {
    runtime = typeof options.runtime === 'function' ? await options.runtime() : options.runtime;
  } catch (e) {
    fatal(`the function could not be loaded: ${(e as Error).message}`, { code: (e as { code?: string }).code, hint: (e as { hint?: string }).hint });
  }
  const invoker = createInvoker({ runtime, settings });
  const log = invoker.app.log;

  // A throw in a timer or an unhandled rejection fails the request whose async context it came
  // from; the process keeps serving everyone else (issue 2, "Limits and failure").
  process.on('uncaughtException', (err) => {
    if (runtime.claimUncaught?.(err, 'uncaughtException')) return;
    if (!invoker.failFromAsync(err)) log.error({ err }, 'uncaught exception outside a request; the function keeps running');
  });
  process.on('unhandledRejection', (err) => {
    if (runtime.claimUncaught?.(err, 'unhandledRejection')) return;
    if (!invoker.failFromAsync(err)) log.error({ err }, 'unhandled rejection outside a request; the function keeps running');
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, graceMs: settings.graceMs }, 'draining');
    invoker.drain(settings.graceMs).then(
      () => { log.info('stopped'); process.exit(0); },
      (err) => { log.error({ err }, 'shutdown failed'); process.exit(1); },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  let address: string;
  try {
    address = await invoker.listen(settings.port, settings.host);
  } catch (e) {
    fatal(`cannot listen on ${settings.host}:${settings.port}: ${(e as Error).message}`, { variable: 'PORT' });
  }
  try {
    await invoker.start();
  } catch (e) {
    log.error({ err: e }, 'the handler\'s init() failed');
    process.exit(1);
  }
  // after start-up: a V8 flag set before would cost node 20 its built-in code cache for what loads next
  if (settings.youngGenerationCap) capYoungGeneration();
  // set by an image's runtime loader (src/build/runtime/load.cjs): whether V8 took the code cache
  const codeCache = (globalThis as Record<symbol, unknown>)[Symbol.for('fnkit.codeCache')];
  log.info({ address, coldStartSeconds: invoker.metrics.coldStartSeconds, ...(codeCache ? { codeCache } : {}) }, 'ready');
}
