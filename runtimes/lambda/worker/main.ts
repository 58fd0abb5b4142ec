// The entry of one Lambda execution environment in a worker thread (isolation: worker): the
// environment's logic (runner.ts) over the thread's message port. Built into
// bundle.generated.ts by build.mjs and started from that text, so the function bundle needs no
// second file.
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, InvokeMessage, WorkerConfig } from './protocol.js';
import { unhandledPromiseRejection } from './errors.js';
import { startEnvironment } from './runner.js';

function run(): void {
  if (!parentPort) throw new Error('the Lambda worker must run in a worker thread');
  const port: NonNullable<typeof parentPort> = parentPort;
  const cfg = workerData as WorkerConfig;
  // Output is batched and travels with the next message (see protocol.ts). Messages are posted
  // together at the end of the turn, as one array: each postMessage wakes the pool's thread, and
  // the invocations sent in one batch mostly finish in one turn (docs/lambda.md).
  let pending: string[] = [];
  let outbox: FromWorker[] = [];
  let flushScheduled = false;
  const post = (m: FromWorker) => {
    if (pending.length) {
      m.lines = pending;
      pending = [];
    }
    outbox.push(m);
    schedule();
  };
  const flush = () => {
    flushScheduled = false;
    if (pending.length) post({ type: 'log' });
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    port.postMessage(batch);
  };
  // Kept referenced: an unreferenced immediate lets the loop block in poll (waiting for the
  // pool's next message) without running it, and a result waiting in the outbox would wait too.
  const schedule = () => {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  const write = (line: string) => {
    pending.push(line);
    schedule();
  };
  process.on('exit', flush);
  // The next invocation starts on this stack unless one is already starting here (a handler
  // that answers synchronously would nest): the invocations of a batch then run in one turn.
  let deferring = false;
  const defer = (fn: () => void) => {
    if (deferring) {
      setImmediate(fn);
      return;
    }
    deferring = true;
    try {
      fn();
    } finally {
      deferring = false;
    }
  };

  const env = startEnvironment(cfg, {
    post,
    write,
    defer,
    // During an invocation the port must not keep the loop alive, or "the event loop is
    // empty" (callbackWaitsForEmptyEventLoop, a sync handler without callback) could never be
    // observed; idle environments wait for the next event.
    started: () => port.unref(),
    ended: () => port.ref(),
    end: (code) => {
      flush();
      if (code === undefined) port.close();
      else process.exit(code);
    },
  });
  process.on('uncaughtException', (e) => env.fatal(e, 129));
  process.on('unhandledRejection', (reason) => env.fatal(unhandledPromiseRejection(reason), 128));
  // The RIC's "the event loop drained": beforeExit, as in the RIC.
  process.on('beforeExit', () => {
    if (!env.drained()) port.ref();
  });
  // The pool sends the invocations of one turn of its event loop together (pool.ts post).
  port.on('message', (batch: InvokeMessage[]) => env.receive(batch));
}

run();
