// Stops a synchronous infinite loop in a handler running on the server's own thread (isolation:
// inline): a small worker thread, started once, watches the running invocation's deadline and,
// when the main thread is still inside that invocation a grace period after it, interrupts it
// with the inspector's Runtime.terminateExecution (from a worker, connectToMainThread works while
// the main thread is busy). The main thread records the invocation in a SharedArrayBuffer with
// plain Atomics stores: no message, no syscall per invocation. The pool's own deadline timer then
// answers the request and resets the environment, as it does for any timeout.
//
// What termination cannot survive: V8 skips the terminated callback's `finally` blocks, so a
// loop inside a setTimeout/setInterval/setImmediate callback leaves Node's async-context stack
// pushed and Node ends the process ("async hook stack has become corrupted"; measured on Node 20
// and 24); so does one in a promise continuation while promise hooks run (AsyncLocalStorage on
// Node 20/22, which the invoker leaves off for the Lambda runtime). A loop in the handler itself
// or after an await is stopped and the server keeps serving. docs/lambda.md.
import { Worker } from 'node:worker_threads';

const SEQ = 0;
const WAKE = 1;

const SOURCE = `
const { workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const i32 = new Int32Array(workerData.sab, 0, 2);
const f64 = new Float64Array(workerData.sab, 8, 1);
const grace = workerData.graceMs;
for (;;) {
  const seq = Atomics.load(i32, ${SEQ});
  if (seq === 0) { Atomics.wait(i32, ${WAKE}, 0, 250); continue; }
  const early = f64[0] + grace - Date.now();
  if (early > 0) { Atomics.wait(i32, ${WAKE}, 0, Math.min(early, 250)); continue; }
  if (Atomics.load(i32, ${SEQ}) !== seq) continue;
  // Connected only for this: a session left open would make the process wait for "the debugger"
  // to disconnect when it exits.
  const session = new Session();
  session.connectToMainThread();
  session.post('Runtime.terminateExecution');
  session.disconnect();
  // Once per invocation: wait until the main thread has moved on.
  while (Atomics.load(i32, ${SEQ}) === seq) Atomics.wait(i32, ${WAKE}, 0, 50);
}
`;

export interface Watchdog {
  /** The invocation numbered `seq` (> 0) runs until `deadline` (epoch ms). */
  arm(seq: number, deadline: number): void;
  /** No invocation runs. */
  disarm(): void;
  stop(): Promise<void>;
}

export function startWatchdog(graceMs: number): Watchdog {
  const sab = new SharedArrayBuffer(16);
  const i32 = new Int32Array(sab, 0, 2);
  const f64 = new Float64Array(sab, 8, 1);
  const worker = new Worker(SOURCE, { eval: true, workerData: { sab, graceMs }, execArgv: [], stdout: false, stderr: false });
  // It must never keep the server alive, nor take it down.
  worker.unref();
  worker.on('error', () => undefined);
  return {
    arm(seq, deadline) {
      f64[0] = deadline;
      Atomics.store(i32, SEQ, seq);
    },
    disarm() {
      Atomics.store(i32, SEQ, 0);
    },
    async stop() {
      await worker.terminate();
    },
  };
}
