// The environment a Lambda execution environment sees (specs/lambda.md §3.4), built here. A
// worker thread gets its own copy and the invoker's process.env is never written (serverless-
// offline's in-process runner mutates a shared process.env under concurrent handlers, §4); the
// one inline environment (isolation: inline) sets it on the process, whose only function it is
// (inline/host.ts). Pure.
import type { LambdaSettings } from './settings.js';

export interface EnvironmentIdentity {
  /** Creation time of this execution environment (the log stream's date). */
  now: Date;
  /** 32 hex characters naming this environment's log stream. */
  streamId: string;
  /** Where the runtime itself lives (LAMBDA_RUNTIME_DIR). */
  runtimeDir: string;
}

export const FUNCTION_VERSION = '$LATEST';
/** Synthetic account for ARNs: no AWS account exists behind fnkit. */
export const DEFAULT_ACCOUNT_ID = '000000000000';

export function logStreamName(now: Date, streamId: string): string {
  const d = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${d}/[${FUNCTION_VERSION}]${streamId}`;
}

export function functionArn(s: Pick<LambdaSettings, 'region' | 'name' | 'env'>): string {
  const account = s.env.AWS_ACCOUNT_ID && /^\d{12}$/.test(s.env.AWS_ACCOUNT_ID) ? s.env.AWS_ACCOUNT_ID : DEFAULT_ACCOUNT_ID;
  return `arn:aws:lambda:${s.region}:${account}:function:${s.name}`;
}

/**
 * The full environment of one execution environment: the user's (process env + fn.yaml env),
 * AWS's unreserved defaults where the user set nothing, then the reserved variables, which the
 * user cannot override on AWS either.
 */
export function lambdaEnvironment(s: LambdaSettings, id: EnvironmentIdentity): Record<string, string> {
  const env: Record<string, string> = {
    ...s.env,
    // Unreserved: AWS sets them and the function's own env may change them (TZ has been
    // settable since ~2022); a value merely inherited from the host or base image does not.
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    ...s.userEnv,
    // Reserved.
    _HANDLER: s.handler,
    LAMBDA_TASK_ROOT: s.taskRoot,
    LAMBDA_RUNTIME_DIR: id.runtimeDir,
    AWS_REGION: s.region,
    AWS_DEFAULT_REGION: s.region,
    AWS_LAMBDA_FUNCTION_NAME: s.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(s.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${s.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(id.now, id.streamId),
    AWS_LAMBDA_LOG_FORMAT: s.logFormat,
  };
  if (s.logLevel) env.AWS_LAMBDA_LOG_LEVEL = s.logLevel;
  else delete env.AWS_LAMBDA_LOG_LEVEL;
  // provided.* runtimes get no AWS_EXECUTION_ENV (configuration-envvars).
  if (s.custom) delete env.AWS_EXECUTION_ENV;
  else env.AWS_EXECUTION_ENV = `AWS_Lambda_${s.awsRuntime}`;
  // Set per invocation by the runtime, never inherited.
  delete env._X_AMZN_TRACE_ID;
  return env;
}
