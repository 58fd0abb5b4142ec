// Execution environments as worker threads (isolation: worker): each has its own module graph,
// globals, process.env and a V8 heap capped at memorySize. Why threads and not processes:
// measured in docs/lambda.md (start-up and round trip several times cheaper).
import { Worker } from 'node:worker_threads';
import type { LambdaErrorPayload } from './types.js';
import type { LambdaSettings } from './settings.js';
import type { SpawnEnvironment } from './pool.js';
import { environmentFor, exitError, pipeLines } from './environment.js';
import { WORKER_SOURCE } from './worker/bundle.generated.js';
import type { FromWorker } from './worker/protocol.js';

export function workerThreads(s: LambdaSettings, arn: string, runtimeDir: string, log: (line: string) => void): SpawnEnvironment {
  function exitWhy(code: number, err: Error | undefined): LambdaErrorPayload {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      return { errorType: 'Runtime.OutOfMemory', errorMessage: `Runtime exited with error: out of memory (memorySize ${s.memorySize} MB)` };
    }
    return exitError(code);
  }
  return (events) => {
    const { env, cfg } = environmentFor(s, arn, runtimeDir);
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
    pipeLines(worker.stdout, log);
    pipeLines(worker.stderr, log);
    // The environment posts the messages of one turn together (worker/main.ts).
    worker.on('message', (batch: FromWorker[]) => {
      for (const m of batch) events.message(m);
    });
    let lastError: Error | undefined;
    worker.on('error', (err) => {
      lastError = err;
    });
    worker.on('exit', (code) => events.exit(exitWhy(code, lastError)));
    return {
      send: (batch) => worker.postMessage(batch),
      terminate: async () => {
        await worker.terminate();
      },
    };
  };
}
