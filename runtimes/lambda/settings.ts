// lambdaRuntime's options plus fn.yaml's `lambda:` section, checked and defaulted once, into the
// values the rest of the runtime uses. Pure: the caller passes the environment it read.
import { FnkitError } from '../../src/errors.js';
import type { LambdaSection } from '../../src/config/types.js';
import { LAMBDA_AWS_RUNTIMES, LAMBDA_FRONT_DOORS, LAMBDA_ISOLATIONS } from '../../src/config/schema-lambda.js';
import { parseRoutes, type RouteTemplate } from './routes.js';
import { parseHandlerName } from './handler-name.js';

export interface LambdaRuntimeOptions {
  handler: string;
  name: string;
  /** Seconds. */
  timeout: number;
  /** fn.yaml `lambda:` section (validated by the schema when it came from fn.yaml). */
  config: Record<string, unknown>;
  env?: Record<string, string>;
  /** Default: LAMBDA_TASK_ROOT, else the current directory. */
  taskRoot?: string;
}

export interface LambdaSettings {
  handler: string;
  name: string;
  timeout: number;
  taskRoot: string;
  awsRuntime: NonNullable<LambdaSection['awsRuntime']>;
  /** True for provided.* runtimes (a bootstrap executable); false for the Node worker pool. */
  custom: boolean;
  frontDoor: LambdaSection['frontDoor'];
  routes: RouteTemplate[];
  stage?: string;
  binaryMediaTypes: string[];
  multiValueHeaders: boolean;
  memorySize: number;
  concurrency: number;
  /** inline: the one environment on the server's thread; worker: a worker thread each. */
  isolation: (typeof LAMBDA_ISOLATIONS)[number];
  region: string;
  logFormat: 'Text' | 'JSON';
  logLevel?: string;
  /** The process environment over fn.yaml's env (not yet the reserved Lambda variables). */
  env: Record<string, string>;
  /** The keys fn.yaml's env declares, with their values: only they override AWS's unreserved defaults (TZ, LANG). */
  userEnv: Record<string, string>;
}

/** Sync invocation payload limit, request and response (specs/lambda.md §3.13: 6 MB). */
/** How long a module's init may take before it is given up (AWS's init phase limit: 10 s). */
export const INIT_TIMEOUT_MS = 10_000;
export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
/** RIE's response cap: 6 MiB + 100 bytes (interop/model.go). */
export const MAX_RESPONSE_PAYLOAD = 6 * 1024 * 1024 + 100;
/** AWS's timeout ceiling. */
export const MAX_TIMEOUT_SECONDS = 900;

function bad(field: string, message: string, hint?: string): FnkitError {
  return new FnkitError('FN_ERR_LAMBDA_CONFIG', `lambda.${field}: ${message}`, { hint, data: { field } });
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw bad(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function int(field: string, value: unknown, min: number, max: number, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw bad(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
}

function strings(field: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw bad(field, `must be a list of strings, got ${JSON.stringify(value)}`);
}

export function resolveSettings(options: LambdaRuntimeOptions, processEnv: Record<string, string | undefined>): LambdaSettings {
  const c = options.config ?? {};
  if (typeof options.name !== 'string' || options.name === '') throw bad('name', 'the function needs a name');
  if (typeof options.handler !== 'string' || options.handler === '') {
    throw new FnkitError('FN_ERR_LAMBDA_CONFIG', 'handler: expected an AWS handler string like "index.handler" or "src/app.handler"', {
      data: { field: 'handler' },
    });
  }
  if (!(typeof options.timeout === 'number' && options.timeout > 0 && options.timeout <= MAX_TIMEOUT_SECONDS)) {
    throw new FnkitError('FN_ERR_LAMBDA_CONFIG', `timeout: a Lambda timeout is 1 to ${MAX_TIMEOUT_SECONDS} seconds, got ${options.timeout}`, {
      hint: 'set timeout in fn.yaml, for example "timeout: 30s"',
      data: { field: 'timeout' },
    });
  }
  const awsRuntime = oneOf('awsRuntime', c.awsRuntime, LAMBDA_AWS_RUNTIMES, 'nodejs22.x');
  const custom = awsRuntime.startsWith('provided.');
  if (!custom) {
    try {
      parseHandlerName(options.handler);
    } catch (err) {
      throw new FnkitError('FN_ERR_LAMBDA_CONFIG', `handler "${options.handler}": ${(err as Error).message}`, {
        hint: 'an AWS handler string is <file>.<export>, optionally with a folder: "index.handler", "src/app.handlers.get"',
        data: { field: 'handler' },
      });
    }
  }
  let routes: RouteTemplate[];
  try {
    routes = parseRoutes(strings('routes', c.routes));
  } catch (err) {
    if (err instanceof FnkitError) throw err;
    throw bad('routes', (err as Error).message, 'write each route as API Gateway does: "GET /pets/{petId}", "ANY /{proxy+}"');
  }
  const stage = c.stage;
  if (stage !== undefined && (typeof stage !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(stage))) {
    throw bad('stage', `must be a stage name (letters, digits, "-" and "_"), got ${JSON.stringify(stage)}`);
  }
  const multi = c.multiValueHeaders;
  if (multi !== undefined && typeof multi !== 'boolean') throw bad('multiValueHeaders', `must be true or false, got ${JSON.stringify(multi)}`);
  // fn.yaml's env is a default an explicit environment overrides (the bundle bakes it the same
  // way, `??=`), so the process wins; its keys still mark what the function itself set.
  const env: Record<string, string> = { ...(options.env ?? {}) };
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;
  const userEnv: Record<string, string> = {};
  for (const k of Object.keys(options.env ?? {})) userEnv[k] = env[k]!;
  const concurrency = int('concurrency', c.concurrency, 1, 256, 1);
  // fn.yaml wins; FN_LAMBDA_ISOLATION is how an image or `fn run --env` chooses without it.
  const isolationField = c.isolation !== undefined ? 'isolation' : 'isolation (FN_LAMBDA_ISOLATION)';
  const isolation = oneOf(isolationField, c.isolation ?? (env.FN_LAMBDA_ISOLATION || undefined), LAMBDA_ISOLATIONS, 'worker');
  if (isolation === 'inline' && concurrency > 1) {
    throw bad(
      'isolation',
      `inline runs the one execution environment on the server's own thread, so it cannot run ${concurrency} invocations at once (concurrency: ${concurrency})`,
      'use isolation: worker for concurrency above 1, or concurrency: 1 with inline',
    );
  }
  const region = (typeof c.region === 'string' ? c.region : undefined) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  return {
    handler: options.handler,
    name: options.name,
    timeout: options.timeout,
    taskRoot: options.taskRoot ?? processEnv.LAMBDA_TASK_ROOT ?? process.cwd(),
    awsRuntime,
    custom,
    frontDoor: oneOf('frontDoor', c.frontDoor, LAMBDA_FRONT_DOORS, 'http-api'),
    routes,
    stage: stage as string | undefined,
    binaryMediaTypes: strings('binaryMediaTypes', c.binaryMediaTypes),
    multiValueHeaders: multi === true,
    memorySize: int('memorySize', c.memorySize, 128, 10240, 1024),
    concurrency,
    isolation,
    region,
    logFormat: oneOf('logFormat', c.logFormat ?? env.AWS_LAMBDA_LOG_FORMAT, ['Text', 'JSON'], 'Text'),
    logLevel: typeof c.logLevel === 'string' ? c.logLevel : env.AWS_LAMBDA_LOG_LEVEL,
    env,
    userEnv,
  };
}
