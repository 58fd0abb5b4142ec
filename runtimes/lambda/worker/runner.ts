// One Lambda execution environment's logic, whatever thread it runs on: patch console, install
// the `awslambda` global, load the handler once (init), then run invocations one at a time as
// the pool sends them, with START/END/REPORT lines and AWS's error reports. It talks to the pool
// only through an EnvironmentPort: worker/main.ts gives it a worker thread's port (isolation:
// worker), ../inline/host.ts a direct one on the server's own thread (isolation: inline).
import { getHeapStatistics } from 'node:v8';
import type { FromWorker, InvokeMessage, WorkerConfig } from './protocol.js';
import { patchConsole, type LogState } from './log-patch.js';
import { installAwslambdaGlobal, type StreamSink } from './streaming.js';
import { loadHandler, type LoadedHandler } from './loader.js';
import { toPayload } from './errors.js';
import { invoke, type InvocationHooks } from './invoke.js';
import { endLine, reportLine, startLine } from './platform-lines.js';

export interface EnvironmentPort {
  /** A message for the pool; lines written before it travel first. */
  post(m: FromWorker): void;
  /** One line of function output (console.*, START/END/REPORT). */
  write(line: string): void;
  /** START, when the port can write it without the string (else it goes through write). */
  writeStart?(requestId: string, version: string): void;
  /** END and REPORT, likewise. */
  writeEnd?(requestId: string, durationMs: number, memorySize: number, maxMemoryMb: number): void;
  /** Runs fn on a fresh stack, soon: where the next invocation starts from. */
  defer(fn: () => void): void;
  /** An invocation starts running: the handler is called right after. */
  started(msg: InvokeMessage, h: LoadedHandler): void;
  /** The handler module loaded (before 'ready' is posted). */
  loaded?(h: LoadedHandler): void;
  /** The handler's synchronous call returned; `thenable`: it returned a promise-like. */
  called?(thenable: boolean): void;
  /** The handler completed and now only waits for the event loop to drain. */
  completing?(): void;
  /** The running invocation is over (answered, or failed). */
  ended(): void;
  /** The environment cannot go on: a worker exits with `code` (or, after a failed init, closes its port); inline resets. */
  end(code?: number): void;
}

export interface Environment {
  /** Invocations from the pool, in order (a batch per turn of its event loop). */
  receive(batch: InvokeMessage[]): void;
  /** An uncaught exception or unhandled rejection (already turned into AWS's error). */
  fatal(error: unknown, code: number): void;
  /**
   * The event loop drained: runs the running invocation's drain action; false when it had none.
   * `completedOnly`: only the action of a handler that completed (inline: a never-completing
   * handler ends at its timeout, see ../inline/drain.ts).
   */
  drained(completedOnly?: boolean): boolean;
  /** The invocation that runs now, if any. */
  readonly running: boolean;
}

/**
 * REPORT's "Max Memory Used": the largest V8 heap use this environment has seen, sampled at
 * most every 100 ms (reading the heap statistics for each invocation cost ~2 % of a request).
 */
export function memorySampler(now: () => number = () => performance.now(), heapUsed: () => number = () => getHeapStatistics().used_heap_size): { maxMb(t?: number): number } {
  let max = 0;
  let at = -Infinity;
  return {
    /** `t`: the current performance.now(), when the caller has just read it. */
    maxMb(t = now()) {
      if (t - at >= 100) {
        at = t;
        max = Math.max(max, Math.round(heapUsed() / 1048576));
      }
      return max;
    },
  };
}

/** What an invocation's hooks need from their environment. */
interface EnvironmentOps {
  finish(m: FromWorker): void;
  errorLine(label: string, error: unknown): void;
  onDrain(action: (() => void) | undefined, completes?: boolean): void;
  port: EnvironmentPort;
}

const ignore = (): void => undefined;
const NOT_STREAMING: StreamSink = { head: ignore, chunk: ignore, end: ignore };

/**
 * One invocation's hooks: one object with its id, not a closure per hook (five allocations per
 * invocation). Only a streaming handler gets a stream sink of its own.
 */
class Hooks implements InvocationHooks {
  readonly stream: StreamSink;

  constructor(
    private readonly ops: EnvironmentOps,
    private readonly id: number,
    streaming: boolean,
  ) {
    this.stream = streaming
      ? {
          head: (contentType) => ops.port.post({ type: 'stream-head', id, contentType }),
          chunk: (bytes) => ops.port.post({ type: 'stream-chunk', id, chunk: new Uint8Array(bytes) }),
          end: () => ops.finish({ type: 'stream-end', id }),
        }
      : NOT_STREAMING;
  }

  succeed(payload: string): void {
    this.ops.finish({ type: 'result', id: this.id, payload });
  }

  succeedWithValue(value: unknown): void {
    this.ops.finish({ type: 'result', id: this.id, payload: '', value, hasValue: true });
  }

  fail(error: unknown): void {
    const payload = toPayload(error);
    this.ops.errorLine('Invoke Error', payload);
    this.ops.finish({ type: 'error', id: this.id, error: payload });
  }

  onDrain(action: (() => void) | undefined, completes?: boolean): void {
    this.ops.onDrain(action, completes);
  }

  called(thenable: boolean): void {
    this.ops.port.called?.(thenable);
  }

  streamFail(error: unknown): void {
    const payload = toPayload(error);
    this.ops.errorLine('Invoke Error', payload);
    this.ops.finish({ type: 'stream-error', id: this.id, error: payload });
  }
}

export function startEnvironment(cfg: WorkerConfig, port: EnvironmentPort): Environment {
  const log: LogState = { requestId: undefined };
  const memory = memorySampler();
  patchConsole(log, { write: port.write }, { format: cfg.logFormat, level: cfg.logLevel });
  if (!cfg.noGlobalAwslambda) installAwslambdaGlobal();

  let current: { id: number; requestId: string; started: number } | undefined;
  let drainAction: (() => void) | undefined;
  let drainCompletes = false;
  let initialised = false;
  let handler: LoadedHandler | undefined;
  // The pool may send the next invocation before this one ends (it saves a thread round trip);
  // it waits here and starts only when the current one has finished: one at a time, always.
  const waiting: InvokeMessage[] = [];

  const errorLine = (label: string, error: unknown) =>
    // RIC Errors.toFormatted: a tab, then the JSON; the line reads "Invoke Error \t{...}".
    console.error(label, '\t' + JSON.stringify(error && typeof error === 'object' && 'errorType' in error ? error : toPayload(error)));

  const finish = (m: FromWorker) => {
    const c = current;
    if (!c) return;
    current = undefined;
    drainAction = undefined;
    const t = performance.now();
    const ms = t - c.started;
    // Written before the result so they travel in the same message (one message per invocation).
    if (port.writeEnd) port.writeEnd(c.requestId, ms, cfg.memorySize, memory.maxMb(t));
    else {
      port.write(endLine(c.requestId));
      port.write(reportLine(c.requestId, ms, cfg.memorySize, memory.maxMb(t)));
    }
    port.ended();
    port.post(m);
    // A fresh stack for the next one (finish may run deep inside the last handler's callbacks).
    if (waiting.length > 0) port.defer(startNext);
  };

  const ops: EnvironmentOps = {
    finish,
    errorLine,
    port,
    onDrain(action, completes) {
      drainAction = action;
      drainCompletes = completes === true;
      if (action && drainCompletes) port.completing?.();
    },
  };

  const startNext = () => {
    while (handler && !current && waiting.length > 0) {
      const msg = waiting.shift()!;
      if (Date.now() >= msg.deadline) port.post({ type: 'skipped', id: msg.id });
      else start(handler, msg);
    }
  };

  function start(h: LoadedHandler, msg: InvokeMessage): void {
    current = { id: msg.id, requestId: msg.requestId, started: performance.now() };
    log.requestId = msg.requestId;
    // RIC _forwardXRay: set per invocation, deleted when absent.
    if (msg.traceId) process.env._X_AMZN_TRACE_ID = msg.traceId;
    // Reading is half the cost of deleting (a libc environment call either way).
    else if (process.env._X_AMZN_TRACE_ID !== undefined) delete process.env._X_AMZN_TRACE_ID;
    if (port.writeStart) port.writeStart(msg.requestId, cfg.functionVersion);
    else port.write(startLine(msg.requestId, cfg.functionVersion));
    port.started(msg, h);
    invoke(cfg, h, msg, new Hooks(ops, msg.id, h.streaming));
  }

  loadHandler(cfg.taskRoot, cfg.handler, cfg.awsRuntime, (m) => console.warn(m), cfg.disableCallbackWarning).then(
    (h) => {
      handler = h;
      initialised = true;
      port.loaded?.(h);
      port.post({ type: 'ready' });
      port.defer(startNext);
    },
    (e) => {
      const payload = toPayload(e);
      errorLine('Uncaught Exception', payload);
      port.post({ type: 'init-error', error: payload });
      // The RIC exits after /init/error; the pool discards this environment.
      port.end();
    },
  );

  return {
    receive(batch) {
      for (const msg of batch) if (msg.type === 'invoke') waiting.push(msg);
      if (!current) startNext();
    },
    // An uncaught exception or unhandled rejection fails the invocation and ends the
    // environment; the pool starts a fresh one, as Lambda re-inits after a runtime exit.
    fatal(error, code) {
      const payload = toPayload(error);
      if (current) {
        errorLine('Invoke Error', payload);
        const id = current.id;
        current = undefined;
        port.ended();
        port.post({ type: 'error', id, error: payload, fatal: true });
      } else if (!initialised) {
        errorLine('Uncaught Exception', payload);
        port.post({ type: 'init-error', error: payload });
      } else {
        errorLine('Uncaught Exception', payload);
        port.post({ type: 'exiting' });
      }
      port.end(code);
    },
    drained(completedOnly) {
      const action = drainAction;
      if (!action || (completedOnly && !drainCompletes)) return false;
      drainAction = undefined;
      action();
      return true;
    },
    get running() {
      return current !== undefined;
    },
  };
}
