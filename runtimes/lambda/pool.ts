// The Node LambdaInvoker: a pool of execution environments, each running ONE invocation at a
// time, as Lambda promises handler code (module-level state, /tmp use). Up to `concurrency`
// environments exist; more requests wait in a FIFO queue. A timed-out invocation's environment
// is terminated, a crashed one is gone; either way the next request gets a freshly initialised
// environment (module init again, as AWS re-inits after a reset), and the server itself never
// goes down. An environment is a worker thread (worker-host.ts, isolation: worker) or the
// server's own thread (inline/host.ts, isolation: inline, concurrency 1 only); the pool does not
// know which.
//
// With one environment, the next invocations are sent before the current one ends (the
// environment holds them until then): on one core this halves the thread switches per request
// without changing what the handler sees. The pool always knows which invocation runs: an
// environment takes them in order, so it is the oldest unfinished one it was sent.
import type { InvokeOutcome, InvokeRequest, LambdaErrorPayload, LambdaInvoker, OutcomeReceiver } from './types.js';
import type { FromWorker, InvokeMessage } from './worker/protocol.js';
import { HTTP_INTEGRATION_CONTENT_TYPE } from './worker/protocol.js';
import type { LambdaSettings } from './settings.js';
import { functionArn } from './env.js';
import { ChunkChannel, readPrelude } from './channel.js';
import { preludeOf } from './prelude.js';
import { defaultRuntimeDir } from './environment.js';
import { workerThreads } from './worker-host.js';
import { isJsonData } from './json-data.js';
import { INIT_TIMEOUT_MS } from './settings.js';

export interface PoolOptions {
  settings: LambdaSettings;
  /** One line of function output (console.*, START/END/REPORT, platform errors). */
  log: (line: string) => void;
  /** Directory reported as LAMBDA_RUNTIME_DIR. */
  runtimeDir?: string;
  /** How long the start-up init may take before the server gives up on it (AWS: 10 s). */
  initTimeoutMs?: number;
  /** Starts one execution environment; default: a worker thread (isolation: worker). */
  spawn?: SpawnEnvironment;
}

/** What an execution environment tells the pool. */
export interface EnvironmentEvents {
  message(m: FromWorker): void;
  /** The environment is gone; `why` is what a running invocation fails with. */
  exit(why: LambdaErrorPayload): void;
}

/** The pool's hold on one execution environment, a worker thread or the inline one. */
export interface EnvironmentHandle {
  send(batch: InvokeMessage[]): void;
  /** The environment runs on the pool's thread: a plain-JSON event may be handed over as is. */
  readonly sharesThread?: boolean;
  terminate(): Promise<void>;
}

export type SpawnEnvironment = (events: EnvironmentEvents) => EnvironmentHandle;

interface Job {
  id: number;
  req: InvokeRequest;
  to: OutcomeReceiver;
  /** The caller has its outcome (a stream is settled at its first byte, long before it ends). */
  settled: boolean;
  /** Nothing more will happen: result, error, end of stream, or timed out. */
  finished?: boolean;
  channel?: ChunkChannel;
  env?: Env;
}

interface Env {
  handle: EnvironmentHandle;
  /** Resolves once the module is loaded: undefined, or the init error. */
  ready: Promise<LambdaErrorPayload | undefined>;
  dead: boolean;
  /** A fatal error was reported: the worker is exiting, send it nothing more. */
  dying: boolean;
  /** Sent and unfinished, in order: jobs[0] is the one running. */
  jobs: Job[];
  /** The module loaded and an invocation then killed it: only then is it replaced in the background. */
  initialised: boolean;
  lostInInvocation: boolean;
  /** Sent but not yet posted: invocations go over in one message per turn of the event loop. */
  outbox: InvokeMessage[];
}

export function timeoutMessage(seconds: number): string {
  return `Task timed out after ${seconds.toFixed(2)} seconds`;
}

const SHUTTING_DOWN: LambdaErrorPayload = { errorType: 'Runtime.ShuttingDown', errorMessage: 'the function is shutting down' };

export function createWorkerPool(opts: PoolOptions): LambdaInvoker & { readonly size: number } {
  const s = opts.settings;
  const envs = new Set<Env>();
  const queue: Job[] = [];
  // Invocations a worker may hold: the running one plus up to 31 waiting in it (concurrency 1
  // only: with several workers a waiting invocation must stay free to go to whichever
  // finishes first). Several waiting lets results and requests travel together per wake-up;
  // 32 rather than 8 served 12% more requests per CPU-second under 32 connections (docs/lambda.md).
  // A waiting invocation's deadline still runs: the pool answers it, the worker skips it.
  const depth = s.concurrency === 1 ? 32 : 1;
  let nextId = 1;
  let closed = false;
  // One timer for every invocation's deadline, set for the earliest one, instead of a timer per
  // invocation: deadlines arrive in order, so under load it is set about once per timeout period
  // (a timer per invocation cost ~0.5 µs of each, docs/lambda.md). When nothing is pending it
  // stays set but unreferenced (it keeps no process alive, and fires to find nothing): a turn's
  // invocations often all finish within it, and clearing and setting it again each turn cost
  // ~0.1 µs an invocation.
  let unfinished = 0;
  let deadlineTimer: NodeJS.Timeout | undefined;
  let deadlineAt = Infinity;
  const arn = functionArn(s);
  const runtimeDir = opts.runtimeDir ?? defaultRuntimeDir();
  const now = () => new Date().toISOString();
  const spawnEnvironment = opts.spawn ?? workerThreads(s, arn, runtimeDir, opts.log);

  function spawn(): Env {
    let readyResolve!: (v: LambdaErrorPayload | undefined) => void;
    const e = { dead: false, dying: false, jobs: [], initialised: false, lostInInvocation: false, outbox: [], ready: new Promise((r) => (readyResolve = r)) } as unknown as Env;
    envs.add(e);
    e.handle = spawnEnvironment({
      message(m) {
        if (m.lines) for (const line of m.lines) opts.log(line);
        if (m.type === 'ready') {
          e.initialised = true;
          readyResolve(undefined);
        } else if (m.type === 'init-error') {
          readyResolve(m.error);
          // AWS reports the init error to the invocation(s) that triggered the init.
          for (const job of e.jobs.splice(0)) finishJob(job, { ok: false, kind: 'init', error: m.error });
          kill(e);
          schedule();
        } else if (m.type === 'exiting') e.dying = true;
        else onJobMessage(e, m);
      },
      exit(why) {
        readyResolve(why);
        const wasAlive = !e.dead;
        e.dead = true;
        envs.delete(e);
        const [head, ...rest] = e.jobs.splice(0);
        // After a reported fatal error (dying) the failed invocation is already answered and
        // nothing behind it ever started.
        if (head && wasAlive && !e.dying) {
          e.lostInInvocation = true;
          opts.log(`${now()}\t${head.req.requestId}\tERROR\tInvoke Error \t${JSON.stringify(why)}`);
          head.channel?.fail(new Error(why.errorMessage));
          finishJob(head, { ok: false, kind: 'crash', error: why });
        } else if (head) rest.unshift(head);
        requeue(rest);
        schedule();
        // Only after an invocation killed it: never after a failed init or an idle death, which
        // would re-init a broken module in a loop. Otherwise the next request triggers the next
        // init, as on AWS.
        if (e.initialised && e.lostInInvocation) warm();
      },
    });
    return e;
  }

  function kill(e: Env): void {
    e.dead = true;
    envs.delete(e);
    void e.handle.terminate();
  }

  /** Invocations that never started go back to the front of the queue, in order. */
  function requeue(jobs: Job[]): void {
    for (const j of jobs) j.env = undefined;
    queue.unshift(...jobs.filter((j) => !j.finished));
  }

  function settle(job: Job, outcome: InvokeOutcome): void {
    if (job.settled) return;
    job.settled = true;
    job.to.receive(outcome);
  }

  function finishJob(job: Job, outcome?: InvokeOutcome): void {
    if (!job.finished) {
      job.finished = true;
      if (--unfinished === 0) deadlineTimer?.unref();
    }
    if (outcome) settle(job, outcome);
    const e = job.env;
    if (e) {
      // Almost always the running one, at the head: shift() allocates nothing, splice() an array.
      const i = e.jobs.indexOf(job);
      if (i === 0) e.jobs.shift();
      else if (i > 0) e.jobs.splice(i, 1);
    }
  }

  function pick(): Env | undefined {
    let candidate: Env | undefined;
    for (const e of envs) {
      if (e.dead || e.dying) continue;
      if (e.jobs.length === 0) return e;
      if (e.jobs.length < depth && (!candidate || e.jobs.length < candidate.jobs.length)) candidate = e;
    }
    if (envs.size < s.concurrency) return spawn();
    return candidate;
  }

  function schedule(): void {
    while (queue.length > 0 && !closed) {
      const e = pick();
      if (!e) return;
      send(e, queue.shift()!);
    }
  }

  /** After a reset, start a replacement in the background so the next request finds it initialised. */
  function warm(): void {
    if (!closed && envs.size === 0) spawn();
  }

  function send(e: Env, job: Job): void {
    job.env = e;
    e.jobs.push(job);
    const event = job.req.event === undefined ? null : job.req.event;
    const asValue = e.handle.sharesThread === true && (job.req.plainEvent === true || isJsonData(event));
    const msg: InvokeMessage = {
      type: 'invoke',
      id: job.id,
      requestId: job.req.requestId,
      event: asValue ? '' : JSON.stringify(event),
      deadline: job.req.deadline,
      clientContext: job.req.clientContext === undefined ? undefined : JSON.stringify(job.req.clientContext),
      identity: job.req.identity === undefined ? undefined : JSON.stringify(job.req.identity),
      traceId: job.req.traceId,
    };
    if (asValue) {
      msg.value = event;
      msg.hasValue = true;
    }
    // One message per turn of the event loop, not per invocation: each message wakes the
    // worker thread, and on a quiet core every wake-up is a thread switch there and back
    // (~40 µs measured, docs/lambda.md), which a batch pays once for all requests read in this turn.
    // With several environments each holds one invocation, so there is nothing to batch and
    // the turn's delay only costs (measured: 0.8 × with concurrency 4). An inline environment
    // batches its own wake-ups (inline/host.ts): the turn's delay would only add a loop
    // iteration (+12 % req/s without it).
    if (depth === 1 || e.handle.sharesThread) e.handle.send([msg]);
    else if (e.outbox.push(msg) === 1) setImmediate(post, e);
  }

  function post(e: Env): void {
    const batch = e.outbox.splice(0);
    // A killed environment's jobs were requeued or answered already; so were all after shutdown.
    if (!e.dead && !closed && batch.length > 0) e.handle.send(batch);
  }

  /** After unfinished++: the timer covers the earliest deadline, and is referenced while anything is pending. */
  function armDeadline(at: number): void {
    if (at >= deadlineAt) {
      if (unfinished === 1) deadlineTimer?.ref();
      return;
    }
    clearTimeout(deadlineTimer);
    deadlineAt = at;
    deadlineTimer = setTimeout(onDeadline, Math.max(0, at - Date.now()));
  }

  function disarmDeadlines(): void {
    clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    deadlineAt = Infinity;
  }

  /** Every invocation not finished yet: waiting in the pool, or sent to an environment. */
  function unfinishedJobs(): Job[] {
    const all = queue.slice();
    for (const e of envs) for (const j of e.jobs) all.push(j);
    return all.filter((j) => !j.finished);
  }

  function onDeadline(): void {
    deadlineTimer = undefined;
    deadlineAt = Infinity;
    const now = Date.now();
    for (const job of unfinishedJobs()) if (job.req.deadline <= now) onTimeout(job);
    // A timeout resets an environment and requeues what waited in it: look again.
    let next = Infinity;
    for (const job of unfinishedJobs()) next = Math.min(next, job.req.deadline);
    if (next < Infinity) armDeadline(next);
  }

  function invokeThen(req: InvokeRequest, to: OutcomeReceiver): void {
    if (closed) return to.receive({ ok: false, kind: 'crash', error: SHUTTING_DOWN });
    const job: Job = { id: nextId++, req, to, settled: false };
    // The deadline runs from now, whether the invocation waits in the queue or runs.
    unfinished++;
    armDeadline(req.deadline);
    queue.push(job);
    schedule();
  }

  function timedOut(job: Job): InvokeOutcome {
    return { ok: false, kind: 'timeout', error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${job.req.requestId} Error: ${timeoutMessage(s.timeout)}` } };
  }

  function onTimeout(job: Job): void {
    if (job.finished) return;
    const message = timeoutMessage(s.timeout);
    const outcome = timedOut(job);
    const e = job.env;
    if (!e || e.jobs[0] !== job) {
      // Still waiting (in the pool's queue, or in the worker behind the running one): it never
      // ran, and a worker skips it when it gets there.
      const i = queue.indexOf(job);
      if (i >= 0) queue.splice(i, 1);
      finishJob(job, outcome);
      return;
    }
    opts.log(`${now()} ${job.req.requestId} ${message}`);
    job.channel?.fail(new Error(message));
    // The environment is reset, as Lambda does after a timeout; what waited behind goes on
    // to a fresh one.
    const rest = e.jobs.splice(1);
    finishJob(job, outcome);
    kill(e);
    requeue(rest);
    schedule();
    warm();
  }

  function onJobMessage(e: Env, m: FromWorker): void {
    if (!('id' in m)) return;
    // The running invocation is the oldest one sent: jobs[0], unless it was answered already.
    const job = e.jobs[0]?.id === m.id ? e.jobs[0] : e.jobs.find((j) => j.id === m.id);
    if (!job) return;
    switch (m.type) {
      case 'result':
        finishJob(job, { ok: true, result: m.hasValue ? m.value : JSON.parse(m.payload) });
        return schedule();
      case 'error':
        if (m.fatal) e.dying = e.lostInInvocation = true;
        finishJob(job, { ok: false, kind: m.fatal ? 'crash' : 'handled', error: m.error });
        return schedule();
      case 'skipped':
        // Its deadline passed while it waited: usually the pool's timer answered it already, but
        // the environment's clock may get there first (inline after a reset, every time).
        finishJob(job, timedOut(job));
        return schedule();
      case 'stream-head': {
        const ch = (job.channel = new ChunkChannel());
        if (m.contentType === HTTP_INTEGRATION_CONTENT_TYPE) {
          readPrelude(ch).then(
            ({ prelude, body }) => settle(job, { ok: true, stream: { prelude: preludeOf(prelude), body } }),
            (err: Error) =>
              settle(job, { ok: false, kind: 'handled', error: { errorType: 'Runtime.InvalidStreamingOperation', errorMessage: err.message } }),
          );
        } else {
          settle(job, { ok: true, stream: { prelude: { headers: { 'content-type': m.contentType } }, body: ch } });
        }
        return;
      }
      case 'stream-chunk':
        job.channel?.push(m.chunk);
        return;
      case 'stream-end':
        job.channel?.end();
        finishJob(job);
        return schedule();
      case 'stream-error':
        job.channel?.fail(new Error(`${m.error.errorType}: ${m.error.errorMessage}`));
        finishJob(job, { ok: false, kind: 'handled', error: m.error });
        return schedule();
    }
  }

  return {
    get size() {
      return envs.size;
    },
    async init() {
      // Initialise one environment up front so readiness means "the code loads"; an init
      // error is logged by the worker and reported on every invocation, as AWS does, while
      // the server stays up.
      if (envs.size === 0) spawn();
      const limit = opts.initTimeoutMs ?? INIT_TIMEOUT_MS;
      await Promise.all(
        [...envs].map(async (e) => {
          // A module that never finishes loading must not keep the server unready forever;
          // requests then init again under their own deadline, as AWS's suppressed init does.
          const t = setTimeout(() => {
            if (e.initialised || e.dead) return;
            opts.log(`INIT_REPORT Init Duration: ${limit.toFixed(2)} ms\tPhase: init\tStatus: timeout`);
            kill(e);
          }, limit);
          await e.ready;
          clearTimeout(t);
        }),
      );
    },
    invoke(req) {
      return new Promise<InvokeOutcome>((resolve) => invokeThen(req, { receive: resolve }));
    },
    invokeThen,
    async shutdown() {
      closed = true;
      disarmDeadlines();
      for (const job of queue.splice(0)) finishJob(job, { ok: false, kind: 'crash', error: SHUTTING_DOWN });
      const all = [...envs];
      for (const e of all) for (const job of e.jobs.splice(0)) finishJob(job, { ok: false, kind: 'crash', error: SHUTTING_DOWN });
      envs.clear();
      await Promise.all(all.map((e) => e.handle.terminate()));
    },
  };
}
