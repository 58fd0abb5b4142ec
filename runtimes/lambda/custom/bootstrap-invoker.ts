// The LambdaInvoker for custom runtimes (`provided.al2023` / `provided.al2`): a pool of
// bootstrap processes, each answering one invocation at a time as Lambda promises (issue 3,
// "one invocation at a time per instance"); the rest wait in a FIFO queue.
import { accessSync, constants, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FnkitError } from '../../../src/errors.js';
import type { InvokeOutcome, InvokeRequest, LambdaInvoker } from '../types.js';
import { BootstrapHost, InitFailure } from './bootstrap-host.js';
import { contextHeader, functionArn, toXrayTraceId } from './runtime-api-wire.js';
import { endLine, startLine } from '../worker/platform-lines.js';

export interface BootstrapInvokerOptions {
  taskRoot: string;
  handler: string;
  name: string;
  /** Seconds. */
  timeout: number;
  memorySize: number;
  env: Record<string, string>;
  log: (line: string) => void;
  /** Processes in the pool (fn.yaml lambda.concurrency); default 1. */
  concurrency?: number;
  /** The container environment; default process.env, read once here. */
  baseEnv?: Record<string, string | undefined>;
  /** Explicit executable; default <taskRoot>/bootstrap, then /opt/bootstrap (as provided.al2023). */
  bootstrap?: string;
  initTimeoutMs?: number;
}

type Waiting = { req: InvokeRequest; resolve: (o: InvokeOutcome) => void; onAbort: () => void };

export function createBootstrapInvoker(opts: BootstrapInvokerOptions): LambdaInvoker {
  const taskRoot = resolve(opts.taskRoot);
  const baseEnv = { ...(opts.baseEnv ?? process.env) };
  const size = Math.max(1, Math.floor(opts.concurrency ?? 1));
  const arn = functionArn(opts.name, { ...baseEnv, ...opts.env });
  let bootstrap: string | undefined;
  const hosts: BootstrapHost[] = [];
  const idle: BootstrapHost[] = [];
  const queue: Waiting[] = [];
  let closed = false;
  // A dying parent takes its bootstraps along (they run in their own process groups).
  const onParentExit = () => hosts.forEach((h) => h.killNow());
  const addHosts = (path: string) => {
    if (hosts.length === 0) process.on('exit', onParentExit);
    for (let i = 0; i < size; i++) hosts.push(makeHost(path));
    idle.push(...hosts);
  };

  const makeHost = (path: string) =>
    new BootstrapHost({
      bootstrap: path,
      taskRoot,
      handler: opts.handler,
      name: opts.name,
      timeout: opts.timeout,
      memorySize: opts.memorySize,
      baseEnv,
      env: opts.env,
      log: opts.log,
      initTimeoutMs: opts.initTimeoutMs,
    });

  async function run(host: BootstrapHost, req: InvokeRequest): Promise<InvokeOutcome> {
    const started = Date.now();
    let initMs: number | undefined;
    if (!host.running) {
      try {
        await host.start();
        initMs = Date.now() - started;
      } catch (err) {
        const payload = err instanceof InitFailure ? err.payload : { errorType: 'Runtime.Unknown', errorMessage: String(err) };
        opts.log(`${new Date().toISOString()}\t${req.requestId}\tERROR\tInit Error\t${JSON.stringify(payload)}`);
        return { ok: false, kind: 'init', error: payload };
      }
    }
    opts.log(startLine(req.requestId, '$LATEST'));
    const outcome = await host.invoke({
      requestId: req.requestId,
      body: Buffer.from(JSON.stringify(req.event === undefined ? null : req.event)),
      // On AWS the init phase has its own limit and does not eat into the function timeout.
      deadline: req.deadline + (initMs ?? 0),
      functionArn: arn,
      traceId: toXrayTraceId(req.traceId),
      clientContext: contextHeader(req.clientContext),
      identity: contextHeader(req.identity),
    });
    const ms = Date.now() - started - (initMs ?? 0);
    opts.log(endLine(req.requestId));
    // RIE's REPORT line (§2.2); memory is the configured size, we do not meter the child.
    opts.log(
      `REPORT RequestId: ${req.requestId}\t${initMs !== undefined ? `Init Duration: ${initMs.toFixed(2)} ms\t` : ''}Duration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.ceil(ms)} ms\tMemory Size: ${opts.memorySize} MB\tMax Memory Used: ${opts.memorySize} MB\t`,
    );
    return outcome;
  }

  function pump(): void {
    while (idle.length && queue.length) {
      const host = idle.pop()!;
      const w = queue.shift()!;
      w.req.signal.removeEventListener('abort', w.onAbort);
      void run(host, w.req).then((o) => {
        if (!closed) idle.push(host);
        w.resolve(o);
        pump();
      });
    }
  }

  function findBootstrap(): string {
    const candidates = opts.bootstrap ? [resolve(taskRoot, opts.bootstrap)] : [join(taskRoot, 'bootstrap'), '/opt/bootstrap'];
    for (const c of candidates) {
      try {
        if (!statSync(c).isFile()) continue;
      } catch {
        continue;
      }
      try {
        accessSync(c, constants.X_OK);
      } catch {
        throw new FnkitError('FN_ERR_LAMBDA_BOOTSTRAP_NOT_EXECUTABLE', `${c} exists but is not executable`, {
          hint: `make it executable (chmod +x ${c}); provided.al2023 runs the bootstrap file directly`,
          data: { bootstrap: c },
        });
      }
      return c;
    }
    throw new FnkitError('FN_ERR_LAMBDA_NO_BOOTSTRAP', `no bootstrap executable: looked for ${candidates.join(' and ')}`, {
      hint: 'a provided.al2023/provided.al2 function needs an executable file named "bootstrap" in the function folder, as on AWS',
      data: { taskRoot, candidates },
    });
  }

  return {
    async init() {
      bootstrap = findBootstrap();
      // Idle even if init fails: like AWS, the next invocation simply initialises again.
      addHosts(bootstrap);
      try {
        await Promise.all(hosts.map((h) => h.start()));
      } catch (err) {
        await Promise.all(hosts.map((h) => h.stop(0)));
        if (err instanceof InitFailure) {
          throw new FnkitError('FN_ERR_LAMBDA_INIT', `the bootstrap of ${opts.name} failed to initialise: ${err.message}`, {
            hint: 'fix the error the bootstrap reported; its output is in the function log',
            data: { lambdaError: err.payload },
            cause: err,
          });
        }
        throw err;
      }
    },
    invoke(req) {
      if (closed) return Promise.resolve({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'the function is shutting down' } });
      if (!bootstrap) {
        // Lazy start when init() was never called: find the bootstrap now (AWS inits on first invoke).
        try {
          bootstrap = findBootstrap();
        } catch (err) {
          return Promise.resolve({ ok: false, kind: 'init', error: { errorType: 'Runtime.InvalidEntrypoint', errorMessage: (err as Error).message } });
        }
        addHosts(bootstrap);
      }
      return new Promise<InvokeOutcome>((resolveOutcome) => {
        const w: Waiting = {
          req,
          resolve: resolveOutcome,
          onAbort: () => {
            // Still queued: nobody waits for it any more, so it never runs.
            const i = queue.indexOf(w);
            if (i >= 0) queue.splice(i, 1);
            resolveOutcome({ ok: false, kind: 'crash', error: { errorType: 'Runtime.InvocationAborted', errorMessage: 'the caller went away before the invocation started' } });
          },
        };
        if (req.signal.aborted) return w.onAbort();
        req.signal.addEventListener('abort', w.onAbort, { once: true });
        queue.push(w);
        pump();
      });
    },
    async shutdown() {
      closed = true;
      for (const w of queue.splice(0)) {
        w.req.signal.removeEventListener('abort', w.onAbort);
        w.resolve({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'the function is shutting down' } });
      }
      await Promise.all(hosts.map((h) => h.stop()));
      process.off('exit', onParentExit);
    },
  };
}
