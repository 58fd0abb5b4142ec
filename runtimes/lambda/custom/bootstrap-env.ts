// The environment a `provided.al2023` bootstrap starts with (lambda.md §3.4; RIE
// rapidcore/env/constants.go). Like RIE, the container's own variables are forwarded; the
// function's fn.yaml env comes next; Lambda's reserved variables come last because users cannot
// override them on AWS either.
import { randomBytes } from 'node:crypto';
import { delimiter, join } from 'node:path';

export interface BootstrapEnvInput {
  /** The container environment, read once by the caller. */
  base: Record<string, string | undefined>;
  /** fn.yaml env. */
  user: Record<string, string>;
  taskRoot: string;
  handler: string;
  name: string;
  memorySize: number;
  runtimeApi: string;
  now?: Date;
}

/** §3.4 reserved names: the user's fn.yaml env cannot set them. */
export const RESERVED = [
  '_HANDLER',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
] as const;

export function bootstrapEnv(input: BootstrapEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.base)) if (v !== undefined) env[k] = v;
  // The host's own Runtime API address or handler must never leak into the child.
  for (const k of RESERVED) delete env[k];
  delete env.AWS_EXECUTION_ENV;
  Object.assign(env, input.user);
  const now = input.now ?? new Date();
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const ld = [join(input.taskRoot), join(input.taskRoot, 'lib'), '/opt/lib', env.LD_LIBRARY_PATH].filter(Boolean).join(delimiter);
  Object.assign(env, {
    LANG: env.LANG || 'en_US.UTF-8',
    TZ: env.TZ || ':UTC',
    PATH: env.PATH || '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    LD_LIBRARY_PATH: ld,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: env.AWS_DEFAULT_REGION || region,
    _HANDLER: input.handler,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: input.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${input.name}`,
    // §3.3: `2025/12/28/[$LATEST]<hex>`
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  });
  // AWS_EXECUTION_ENV is not set for provided.* runtimes (§3.4).
  return env;
}
