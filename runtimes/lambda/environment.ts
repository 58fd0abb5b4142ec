// What one execution environment (a worker thread, or the inline one) is started with: its
// environment variables and configuration, how it reports an exit, and its output as lines.
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { WorkerConfig } from './worker/protocol.js';
import type { LambdaSettings } from './settings.js';
import type { LambdaErrorPayload } from './types.js';
import { MAX_RESPONSE_PAYLOAD } from './settings.js';
import { FUNCTION_VERSION, lambdaEnvironment } from './env.js';

/** LAMBDA_RUNTIME_DIR by default: where the runtime itself (the invoker bundle) lives. */
export function defaultRuntimeDir(): string {
  return dirname(process.argv[1] ?? process.cwd());
}

/** What ends an environment that exited (process.exit, or a worker thread's exit code), as the RIC reports it. */
export function exitError(status: number): LambdaErrorPayload {
  return { errorType: 'Runtime.ExitError', errorMessage: `Runtime exited with error: exit status ${status}` };
}

/** A new environment's variables and worker config; each gets its own log stream name. */
export function environmentFor(s: LambdaSettings, arn: string, runtimeDir: string): { env: Record<string, string>; cfg: WorkerConfig } {
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
  return { env, cfg };
}

/** A worker's stdout/stderr (direct process.stdout writes by user code), line by line. */
export function pipeLines(stream: NodeJS.ReadableStream, log: (line: string) => void): void {
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
