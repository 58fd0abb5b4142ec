// The execution environment on the server's own thread (isolation: inline, concurrency 1): the
// same environment logic as a worker thread (../worker/runner.ts) over a direct port, so an
// invocation costs no thread hop, no structured clone and no thread switch. The pool still
// runs exactly one invocation at a time. What a thread boundary gave, done here instead:
// - a reset (timeout, crash, process.exit) is a fresh environment: the module graph loaded again
//   (fresh-modules.ts), the Lambda variables set again, console patched again; whatever the
//   old instance left running can no longer answer or log for the new one;
// - a synchronous infinite loop is interrupted by the watchdog (watchdog.ts);
// - an uncaught exception or unhandled rejection reaches claim() first (the invoker's process
//   handlers ask the runtime, runtimes/types.ts claimUncaught) and fails the running invocation
//   as a worker reports it;
// - process.exit() during init or an invocation fails it with Runtime.ExitError instead of
//   ending the server.
// What it cannot give: a V8 heap cap per environment (memorySize is the container's limit) and
// globals of its own (the handler's changes to globals are the server's). docs/lambda.md.
import { resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { LambdaSettings } from '../settings.js';
import type { EnvironmentEvents, SpawnEnvironment } from '../pool.js';
import type { LambdaErrorPayload } from '../types.js';
import type { InvokeMessage } from '../worker/protocol.js';
import { environmentFor, exitError } from '../environment.js';
import { startEnvironment, type Environment, type EnvironmentPort } from '../worker/runner.js';
import { unhandledPromiseRejection } from '../worker/errors.js';
import { isPromiseOnly } from '../worker/loader.js';
import { startWatchdog, type Watchdog } from './watchdog.js';
import { freshModules } from './fresh-modules.js';
import { createDrainTracker } from './drain.js';
import { atNativeCallback } from './safe-point.js';
import { INIT_TIMEOUT_MS } from '../settings.js';
import { writeEnd, writeStart, type LineSink } from '../worker/platform-lines.js';

/** How long past its deadline a handler may hold the thread before the watchdog interrupts it. */
export const WATCHDOG_GRACE_MS = 500;

/** Thrown out of the handler's process.exit(): the invocation is already answered; nothing after the call may run. */
class FunctionExited extends Error {
  constructor(readonly status: number) {
    super(`the function called process.exit(${status})`);
    this.name = 'FunctionExited';
  }
}

interface Instance {
  env: Environment;
  events: EnvironmentEvents;
  alive: boolean;
  loading: boolean;
}

export interface InlineEnvironments {
  spawn: SpawnEnvironment;
  /** An uncaught exception or unhandled rejection: true when it was the function's and is handled. */
  claim(err: unknown, origin: 'uncaughtException' | 'unhandledRejection'): boolean;
  close(): Promise<void>;
}

export function inlineEnvironments(s: LambdaSettings, arn: string, runtimeDir: string, log: LineSink, initTimeoutMs = INIT_TIMEOUT_MS): InlineEnvironments {
  let active: Instance | undefined;
  let closed = false;
  let watchdog: Watchdog | undefined;
  let spawned = 0;
  let loadedViaImport = false;
  /** Numbers the running invocation for the watchdog (0 = none). */
  let seq = 0;
  const tracker = createDrainTracker();
  const entry = process.argv[1] ? resolve(process.argv[1]) : undefined;
  // The invoker's own files, when they sit under the task root (`fn run` builds into .fn/run).
  const modules = freshModules(s.taskRoot, [resolve(s.taskRoot, '.fn'), ...(entry ? [entry] : [])]);
  const realExit = process.exit;

  /** The instance is over; the pool hears it after the current callbacks, as from a worker's exit. */
  function end(inst: Instance, why: LambdaErrorPayload): void {
    if (!inst.alive) return;
    inst.alive = false;
    if (active === inst) {
      tracker.stop();
      watchdog?.disarm();
    }
    setImmediate(() => inst.events.exit(why));
  }

  function exitHook(code?: number | string | null): never {
    const inst = active;
    if (closed || !inst || !inst.alive || !(inst.loading || inst.env?.running)) return realExit.call(process, code as number);
    const status = Number(code ?? process.exitCode ?? 0) || 0;
    end(inst, exitError(status));
    throw new FunctionExited(status);
  }

  function setProcessEnv(env: Record<string, string>): void {
    // The container belongs to the function: its environment is exactly the Lambda one.
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
  }

  // Function code (init, each invocation) starts from a MessagePort message: Node enters it with
  // a natively pushed async context, the one kind a terminated loop leaves intact (a promise job,
  // timer or immediate pushes it from JS: watchdog.ts). One wake-up per turn carries every queued job.
  const wakeups = new MessageChannel();
  const jobs: Array<() => void> = [];
  let posted = false;
  let deferring = false;
  wakeups.port2.on('message', () => {
    posted = false;
    // A start the watchdog stopped never reached its `finally`.
    deferring = false;
    while (jobs.length > 0) {
      const fn = jobs.shift()!;
      // Posted before running: a job the watchdog stops must not strand the ones behind it.
      if (jobs.length > 0 && !posted) {
        posted = true;
        wakeups.port1.postMessage(null);
      }
      fn();
    }
  });
  // The server keeps itself alive; these must not.
  wakeups.port1.unref();
  wakeups.port2.unref();
  const wake = (fn: () => void) => {
    if (jobs.push(fn) === 1 && !posted) {
      posted = true;
      wakeups.port1.postMessage(null);
    }
  };

  const spawn: SpawnEnvironment = (events) => {
    if (spawned++ === 0) {
      watchdog = startWatchdog(WATCHDOG_GRACE_MS);
      process.exit = exitHook as typeof process.exit;
    }
    const inst: Instance = { env: undefined as unknown as Environment, events, alive: true, loading: true };
    active = inst;
    if (spawned > 1) modules.renew(loadedViaImport);
    const { env, cfg } = environmentFor(s, arn, runtimeDir);
    cfg.sameThread = true;
    setProcessEnv(env);
    const tracksDrain = !isPromiseOnly(cfg.awsRuntime);
    const port: EnvironmentPort = {
      post(m) {
        if (!inst.alive) return;
        if (m.type === 'ready' || m.type === 'init-error') {
          inst.loading = false;
          watchdog?.disarm();
        }
        events.message(m);
      },
      write(line) {
        if (inst.alive) log(line);
      },
      writeStart(requestId, version) {
        if (inst.alive) writeStart(log, requestId, version);
      },
      writeEnd(requestId, durationMs, memorySize, maxMemoryMb) {
        if (inst.alive) writeEnd(log, requestId, durationMs, memorySize, maxMemoryMb);
      },
      // The next invocation after one finished: on this stack when that is safe (and not
      // already inside such a start, so a run of handlers that answer synchronously does not
      // nest), else from the next wake-up.
      loaded(h) {
        if (h.viaImport) loadedViaImport = true;
      },
      defer(fn) {
        if (deferring || jobs.length > 0 || !atNativeCallback()) return wake(fn);
        deferring = true;
        try {
          fn();
        } finally {
          deferring = false;
        }
      },
      started(msg: InvokeMessage, h) {
        seq = (seq + 1) & 0x7fffffff || 1;
        watchdog?.arm(seq, msg.deadline);
        if (tracksDrain && !h.isAsync && !h.streaming) tracker.start(() => inst.alive && inst.env.drained(true));
      },
      called: (thenable) => tracker.called(thenable),
      completing: () => tracker.poke(),
      ended() {
        tracker.stop();
        watchdog?.disarm();
      },
      end: (code) => end(inst, exitError(code ?? 0)),
    };
    wake(() => {
      if (!inst.alive) return;
      // A module that loops forever at init is stopped at AWS's init limit.
      seq = (seq + 1) & 0x7fffffff || 1;
      watchdog?.arm(seq, Date.now() + initTimeoutMs);
      inst.env = startEnvironment(cfg, port);
    });
    // The invocations sent in one turn share one wake-up and one delivery; starting each from
    // its own request's callback measured slower (docs/lambda.md).
    let inbox: InvokeMessage[] = [];
    const deliver = () => {
      const batch = inbox;
      inbox = [];
      if (inst.alive) inst.env.receive(batch);
    };
    return {
      sharesThread: true,
      send(batch) {
        const first = inbox.length === 0;
        for (const m of batch) inbox.push(m);
        if (first) wake(deliver);
      },
      async terminate() {
        end(inst, exitError(0));
      },
    };
  };

  return {
    spawn,
    claim(err, origin) {
      // process.exit()'s unwinding, thrown on through a timer or a promise.
      if (err instanceof FunctionExited) return true;
      const inst = active;
      if (closed || !inst || !inst.alive || !inst.env) return false;
      if (origin === 'unhandledRejection') inst.env.fatal(unhandledPromiseRejection(err), 128);
      else inst.env.fatal(err, 129);
      return true;
    },
    async close() {
      closed = true;
      wakeups.port1.close();
      if (active) end(active, exitError(0));
      tracker.stop();
      if (process.exit === exitHook) process.exit = realExit;
      await watchdog?.stop();
    },
  };
}
