// The entry of one Lambda execution environment (a worker thread): patch console, install the
// `awslambda` global, load the handler once (init), then run invocations one at a time as the
// pool sends them. Built into bundle.generated.ts by build.mjs and started from that text, so
// the function bundle needs no second file.
import { parentPort, workerData } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import type { FromWorker, InvokeMessage, WorkerConfig } from './protocol.js';
import { patchConsole, type LogState } from './log-patch.js';
import { installAwslambdaGlobal } from './streaming.js';
import { loadHandler, type LoadedHandler } from './loader.js';
import { toPayload, unhandledPromiseRejection } from './errors.js';
import { invoke } from './invoke.js';

function run(): void {
  if (!parentPort) throw new Error('the Lambda worker must run in a worker thread');
  const port: NonNullable<typeof parentPort> = parentPort;
  const cfg = workerData as WorkerConfig;
  // Output is batched and travels with the next message (see protocol.ts); a line logged
  // with nothing else to send goes out on the next turn of the event loop.
  let pending: string[] = [];
  let flushScheduled = false;
  const post = (m: FromWorker) => {
    if (pending.length) {
      m.lines = pending;
      pending = [];
    }
    port.postMessage(m);
  };
  const flush = () => {
    flushScheduled = false;
    if (pending.length) post({ type: 'log' });
  };
  const write = (line: string) => {
    pending.push(line);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush).unref();
    }
  };
  process.on('exit', flush);
  const log: LogState = { requestId: undefined };
  patchConsole(log, { write }, { format: cfg.logFormat, level: cfg.logLevel });
  if (!cfg.noGlobalAwslambda) installAwslambdaGlobal();

  let current: { id: number; requestId: string; started: number } | undefined;
  let drainAction: (() => void) | undefined;
  let initialised = false;

  const errorLine = (label: string, error: unknown) =>
    // RIC Errors.toFormatted: a tab, then the JSON; the line reads "Invoke Error \t{...}".
    console.error(label, '\t' + JSON.stringify(error && typeof error === 'object' && 'errorType' in error ? error : toPayload(error)));

  const finish = (m: FromWorker) => {
    const c = current;
    if (!c) return;
    current = undefined;
    drainAction = undefined;
    const ms = performance.now() - c.started;
    // Written before the result so they travel in the same message (one message per invocation).
    write(`END RequestId: ${c.requestId}`);
    write(
      `REPORT RequestId: ${c.requestId}\tDuration: ${ms.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(ms))} ms\tMemory Size: ${cfg.memorySize} MB\tMax Memory Used: ${Math.round(getHeapStatistics().used_heap_size / 1048576)} MB\t`,
    );
    post(m);
    // Idle environments wait for the next event; during an invocation the port must not keep
    // the loop alive, or "the event loop is empty" could never be observed.
    port.ref();
    // A fresh stack for the next one (finish may run deep inside the last handler's callbacks).
    if (waiting.length > 0) setImmediate(startNext);
  };

  // An uncaught exception or unhandled rejection fails the invocation and ends the
  // environment; the pool starts a fresh one, as Lambda re-inits after a runtime exit.
  const fatal = (error: unknown, code: number) => {
    const payload = toPayload(error);
    if (current) {
      errorLine('Invoke Error', payload);
      post({ type: 'error', id: current.id, error: payload, fatal: true });
    } else if (!initialised) {
      errorLine('Uncaught Exception', payload);
      post({ type: 'init-error', error: payload });
    } else {
      errorLine('Uncaught Exception', payload);
      post({ type: 'exiting' });
    }
    process.exit(code);
  };
  process.on('uncaughtException', (e) => fatal(e, 129));
  process.on('unhandledRejection', (reason) => fatal(unhandledPromiseRejection(reason), 128));
  process.on('beforeExit', () => {
    const action = drainAction;
    drainAction = undefined;
    if (action) action();
    else port.ref();
  });

  let handler: LoadedHandler | undefined;
  // The pool may send the next invocation before this one ends (it saves a thread round trip);
  // it waits here and starts only when the current one has finished: one at a time, always.
  const waiting: InvokeMessage[] = [];
  const startNext = () => {
    while (handler && !current && waiting.length > 0) {
      const msg = waiting.shift()!;
      if (Date.now() >= msg.deadline) post({ type: 'skipped', id: msg.id });
      else start(handler, msg);
    }
  };
  // The pool sends the invocations of one turn of its event loop together (pool.ts post).
  port.on('message', (batch: InvokeMessage[]) => {
    for (const msg of batch) if (msg.type === 'invoke') waiting.push(msg);
    if (!current) startNext();
  });

  function start(h: LoadedHandler, msg: InvokeMessage): void {
    current = { id: msg.id, requestId: msg.requestId, started: performance.now() };
    log.requestId = msg.requestId;
    // RIC _forwardXRay: set per invocation, deleted when absent.
    if (msg.traceId) process.env._X_AMZN_TRACE_ID = msg.traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    write(`START RequestId: ${msg.requestId} Version: ${cfg.functionVersion}`);
    port.unref();
    const id = msg.id;
    invoke(cfg, h, msg, {
      succeed: (payload) => finish({ type: 'result', id, payload }),
      fail: (error) => {
        const payload = toPayload(error);
        errorLine('Invoke Error', payload);
        finish({ type: 'error', id, error: payload });
      },
      onDrain: (action) => {
        drainAction = action;
      },
      stream: {
        head: (contentType) => post({ type: 'stream-head', id, contentType }),
        chunk: (bytes) => post({ type: 'stream-chunk', id, chunk: new Uint8Array(bytes) }),
        end: () => finish({ type: 'stream-end', id }),
      },
      streamFail: (error) => {
        const payload = toPayload(error);
        errorLine('Invoke Error', payload);
        finish({ type: 'stream-error', id, error: payload });
      },
    });
  }

  loadHandler(cfg.taskRoot, cfg.handler, cfg.awsRuntime, (m) => console.warn(m), cfg.disableCallbackWarning).then(
    (h) => {
      handler = h;
      initialised = true;
      post({ type: 'ready' });
      startNext();
    },
    (e) => {
      const payload = toPayload(e);
      errorLine('Uncaught Exception', payload);
      post({ type: 'init-error', error: payload });
      // The RIC exits after /init/error; the pool discards this environment.
      port.close();
    },
  );
}

run();
