// The Node LambdaInvoker: a pool of isolated execution environments (worker threads), each
// running ONE invocation at a time, as Lambda promises handler code (module-level state, /tmp
// use). Up to `concurrency` environments exist; more requests wait in a FIFO queue. A timed-out
// invocation's environment is terminated, a crashed one is gone; either way the next request
// gets a freshly initialised environment (module init again, as AWS re-inits after a reset),
// and the server itself never goes down. Worker threads rather than child processes: measured
// in docs/lambda.md (start-up and per-invocation round trip are several times cheaper), and a
// worker still has its own process.env, module cache, globals and V8 heap limit.
import { Worker } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { InvokeOutcome, InvokeRequest, LambdaErrorPayload, LambdaInvoker, StreamedResult } from './types.js';
import type { FromWorker, InvokeMessage, WorkerConfig } from './worker/protocol.js';
import { HTTP_INTEGRATION_CONTENT_TYPE } from './worker/protocol.js';
import type { LambdaSettings } from './settings.js';
import { MAX_RESPONSE_PAYLOAD } from './settings.js';
import { FUNCTION_VERSION, functionArn, lambdaEnvironment } from './env.js';
import { ChunkChannel, readPrelude } from './channel.js';
import { WORKER_SOURCE } from './worker/bundle.generated.js';

export interface PoolOptions {
  settings: LambdaSettings;
  /** One line of function output (console.*, START/END/REPORT, platform errors). */
  log: (line: string) => void;
  /** Directory reported as LAMBDA_RUNTIME_DIR. */
  runtimeDir?: string;
}

interface Pending {
  req: InvokeRequest;
  resolve: (o: InvokeOutcome) => void;
}

interface Env {
  worker: Worker;
  ready: Promise<LambdaErrorPayload | undefined>;
  busy: boolean;
  dead: boolean;
  /** Set while an invocation runs: receives the worker's messages and its death. */
  onMessage?: (m: FromWorker) => void;
  onDeath?: (why: LambdaErrorPayload) => void;
}

export function timeoutMessage(seconds: number): string {
  return `Task timed out after ${seconds.toFixed(2)} seconds`;
}

export function createWorkerPool(opts: PoolOptions): LambdaInvoker & { readonly size: number } {
  const s = opts.settings;
  const envs = new Set<Env>();
  const idle: Env[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;
  const arn = functionArn(s);
  const runtimeDir = opts.runtimeDir ?? dirname(process.argv[1] ?? process.cwd());

  function spawn(): Env {
    const streamId = randomBytes(16).toString('hex');
    const env = lambdaEnvironment(s, { now: new Date(), streamId, runtimeDir });
    const cfg: WorkerConfig = {
      taskRoot: s.taskRoot,
      handler: s.handler,
      awsRuntime: s.awsRuntime,
      functionName: s.name,
      functionVersion: FUNCTION_VERSION,
      memorySize: s.memorySize,
      logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME!,
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME!,
      invokedFunctionArn: arn,
      logFormat: s.logFormat,
      logLevel: s.logLevel,
      noGlobalAwslambda: /^(1|true)$/i.test(env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA ?? ''),
      disableCallbackWarning: !!env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING,
      maxResponseBytes: MAX_RESPONSE_PAYLOAD,
    };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: cfg,
      env,
      // The invoker's own flags (a TS loader, inspector) are not the function's.
      execArgv: [],
      stdout: true,
      stderr: true,
      // Lambda's memory setting caps the environment; here it caps the worker's V8 heap.
      resourceLimits: { maxOldGenerationSizeMb: s.memorySize },
    });
    pipeLines(worker.stdout, opts.log);
    pipeLines(worker.stderr, opts.log);
    const e: Env = { worker, busy: false, dead: false, ready: undefined as never };
    e.ready = new Promise((resolve) => {
      const onMsg = (m: FromWorker) => {
        if (m.type === 'ready') done(undefined);
        else if (m.type === 'init-error') done(m.error);
      };
      const onExit = (code: number) => done(exitError(code, undefined));
      const done = (err: LambdaErrorPayload | undefined) => {
        worker.off('message', onMsg);
        worker.off('exit', onExit);
        resolve(err);
      };
      worker.on('message', onMsg);
      worker.on('exit', onExit);
    });
    worker.on('message', (m: FromWorker) => {
      if (m.lines) for (const line of m.lines) opts.log(line);
      e.onMessage?.(m);
    });
    let lastError: Error | undefined;
    worker.on('error', (err) => {
      lastError = err;
    });
    worker.on('exit', (code) => {
      e.dead = true;
      envs.delete(e);
      const i = idle.indexOf(e);
      if (i >= 0) idle.splice(i, 1);
      e.onDeath?.(exitError(code, lastError));
    });
    envs.add(e);
    return e;
  }

  function exitError(code: number, err: Error | undefined): LambdaErrorPayload {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited with error: out of memory (memorySize ${s.memorySize} MB)` };
    }
    return { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${code}` };
  }

  function kill(e: Env): void {
    e.dead = true;
    envs.delete(e);
    void e.worker.terminate();
  }

  function acquire(): Env | undefined {
    while (idle.length > 0) {
      const e = idle.pop()!;
      if (!e.dead) return e;
    }
    if (envs.size < s.concurrency) return spawn();
    return undefined;
  }

  function release(e: Env): void {
    e.busy = false;
    e.onMessage = undefined;
    e.onDeath = undefined;
    if (e.dead || closed) return;
    const next = queue.shift();
    if (next) return void run(e, next);
    idle.push(e);
  }

  function run(e: Env, p: Pending): void {
    e.busy = true;
    void (async () => {
      const initError = await e.ready;
      if (initError) {
        kill(e);
        p.resolve({ ok: false, kind: 'init', error: initError });
        return pump();
      }
      if (e.dead) {
        p.resolve({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited before the invocation started' } });
        return pump();
      }
      execute(e, p);
    })();
  }

  /** After a reset, start a replacement in the background so the next request finds it initialised. */
  function warm(): void {
    if (closed || envs.size > 0) return;
    const e = spawn();
    e.busy = true;
    void e.ready.then((err) => {
      if (err) kill(e);
      else if (!e.dead) release(e);
    });
  }

  /** Starts queued work on fresh environments after one was lost. */
  function pump(): void {
    while (queue.length > 0 && !closed) {
      const e = acquire();
      if (!e) return;
      run(e, queue.shift()!);
    }
  }

  function execute(e: Env, p: Pending): void {
    const { req } = p;
    const id = nextId++;
    let settled = false;
    let channel: ChunkChannel | undefined;
    const finish = (outcome: InvokeOutcome | undefined, reuse: boolean) => {
      clearTimeout(timer);
      if (outcome && !settled) {
        settled = true;
        p.resolve(outcome);
      }
      if (reuse) release(e);
      else {
        e.onMessage = undefined;
        e.onDeath = undefined;
        if (!e.dead) kill(e);
        pump();
        warm();
      }
    };
    const timer = setTimeout(() => {
      const message = timeoutMessage(s.timeout);
      opts.log(`${new Date().toISOString()} ${req.requestId} ${message}`);
      const error = { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${req.requestId} Error: ${message}` };
      channel?.fail(new Error(message));
      // The environment is reset, as Lambda does after a timeout.
      finish({ ok: false, kind: 'timeout', error }, false);
    }, Math.max(0, req.deadline - Date.now()));
    e.onDeath = (why) => {
      // Same shape as the runtime's own "Invoke Error" line, so one grep finds every failure.
      opts.log(`${new Date().toISOString()}\t${req.requestId}\tERROR\tInvoke Error \t${JSON.stringify(why)}`);
      channel?.fail(new Error(why.errorMessage));
      finish({ ok: false, kind: 'crash', error: why }, false);
    };
    e.onMessage = (m) => {
      if (!('id' in m) || m.id !== id) return;
      switch (m.type) {
        case 'result':
          return finish({ ok: true, result: JSON.parse(m.payload) }, true);
        case 'error':
          return finish({ ok: false, kind: m.fatal ? 'crash' : 'handled', error: m.error }, !m.fatal);
        case 'stream-head': {
          channel = new ChunkChannel();
          const ch = channel;
          if (m.contentType === HTTP_INTEGRATION_CONTENT_TYPE) {
            readPrelude(ch).then(
              ({ prelude, body }) => {
                if (settled) return;
                settled = true;
                p.resolve({ ok: true, stream: { prelude: preludeOf(prelude), body } });
              },
              (err: Error) => {
                if (settled) return;
                settled = true;
                p.resolve({ ok: false, kind: 'handled', error: { errorType: 'Runtime.InvalidStreamingOperation', errorMessage: err.message } });
              },
            );
          } else {
            settled = true;
            p.resolve({ ok: true, stream: { prelude: { headers: { 'content-type': m.contentType } }, body: ch } });
          }
          return;
        }
        case 'stream-chunk':
          return channel?.push(m.chunk);
        case 'stream-end':
          channel?.end();
          return finish(undefined, true);
        case 'stream-error':
          channel?.fail(new Error(`${m.error.errorType}: ${m.error.errorMessage}`));
          return finish({ ok: false, kind: 'handled', error: m.error }, true);
      }
    };
    const msg: InvokeMessage = {
      type: 'invoke',
      id,
      requestId: req.requestId,
      event: JSON.stringify(req.event === undefined ? null : req.event),
      deadline: req.deadline,
      clientContext: req.clientContext === undefined ? undefined : JSON.stringify(req.clientContext),
      identity: req.identity === undefined ? undefined : JSON.stringify(req.identity),
      traceId: req.traceId,
    };
    e.worker.postMessage(msg);
  }

  return {
    get size() {
      return envs.size;
    },
    async init() {
      // Initialise one environment up front so readiness means "the code loads"; an init
      // error is logged by the worker and reported on every invocation, as AWS does, while
      // the server stays up.
      const e = acquire();
      if (!e) return;
      const err = await e.ready;
      if (err) kill(e);
      else if (!e.dead) release(e);
    },
    invoke(req) {
      if (closed) {
        return Promise.resolve({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ShuttingDown', errorMessage: 'the function is shutting down' } });
      }
      return new Promise<InvokeOutcome>((resolve) => {
        const p = { req, resolve };
        const e = acquire();
        if (e) run(e, p);
        else queue.push(p);
      });
    },
    async shutdown() {
      closed = true;
      for (const p of queue.splice(0)) p.resolve({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ShuttingDown', errorMessage: 'the function is shutting down' } });
      await Promise.all([...envs].map((e) => e.worker.terminate()));
      envs.clear();
      idle.length = 0;
    },
  };
}

function preludeOf(p: Record<string, unknown>): NonNullable<StreamedResult['prelude']> {
  const out: NonNullable<StreamedResult['prelude']> = {};
  if (p.statusCode !== undefined) out.statusCode = Number(p.statusCode);
  if (p.headers && typeof p.headers === 'object') {
    out.headers = Object.fromEntries(Object.entries(p.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  if (Array.isArray(p.cookies)) out.cookies = p.cookies.map(String);
  return out;
}

function pipeLines(stream: NodeJS.ReadableStream, log: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const line of parts) log(line);
  });
  stream.on('end', () => {
    if (rest) log(rest);
  });
}
