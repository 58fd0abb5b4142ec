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

  const env = startEnvironment(cfg, {
    post,
    write,
    defer: (fn) => setImmediate(fn),
    // During an invocation the port must not keep the loop alive, or "the event loop is
    // empty" (callbackWaitsForEmptyEventLoop, a sync handler without callback) could never be
    // observed; idle environments wait for the next event.
    started: () => port.unref(),
    ended: () => port.ref(),
    end: (code) => {
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
