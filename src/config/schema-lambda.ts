// fn.yaml `lambda:` section. Owned by runtimes/lambda (issue 3). Only read when `runtime: lambda`.
// Keys follow AWS's own names where AWS has one (memorySize, binaryMediaTypes, stage); the
// defaults are AWS's (nodejs22.x generation, HTTP API payload 2.0) except memorySize, which is
// serverless-framework's 1024 rather than AWS's 128 (a V8 heap of 128 MB is too small for most
// ported code). See docs/lambda.md for what each key does.
export const LAMBDA_AWS_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x', 'provided.al2023', 'provided.al2'] as const;
export const LAMBDA_FRONT_DOORS = ['http-api', 'rest-api', 'alb', 'function-url', 'raw'] as const;
/** Where an execution environment runs: the server's own thread, or a worker thread each (docs/lambda.md). */
export const LAMBDA_ISOLATIONS = ['inline', 'worker'] as const;
export const LAMBDA_ROUTE_METHODS = ['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export const lambdaSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  // isolation: inline is one environment on the server's own thread: one invocation at a time.
  if: { properties: { isolation: { const: 'inline' } }, required: ['isolation'] },
  then: { properties: { concurrency: { maximum: 1 } } },
  properties: {
    /**
     * Which AWS runtime generation to mimic (nodejs24.x = promise-only handlers). No schema
     * default: unset means nodejs22.x, or provided.al2023 when the folder has an executable
     * `bootstrap`, so the runtime must see whether it was set.
     */
    awsRuntime: { enum: [...LAMBDA_AWS_RUNTIMES] },
    /** How an HTTP request becomes the Lambda event. */
    frontDoor: { enum: [...LAMBDA_FRONT_DOORS], default: 'http-api' },
    /** Route templates "METHOD /path/{param}/{proxy+}" (API Gateway syntax). */
    routes: {
      type: 'array',
      uniqueItems: true,
      default: [],
      items: { type: 'string', pattern: `^(${LAMBDA_ROUTE_METHODS.join('|')}) /\\S*$` },
    },
    /** API Gateway stage: the URL prefix /<stage> and requestContext.stage. */
    stage: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    /** REST API binary media types ("image/png", "image/*", "*\/*"). */
    binaryMediaTypes: {
      type: 'array',
      default: [],
      items: { type: 'string', pattern: '^([A-Za-z0-9!#$&^_.+-]+|\\*)/[A-Za-z0-9!#$&^_.+*-]+$' },
    },
    /** ALB target group attribute lambda.multi_value_headers.enabled. */
    multiValueHeaders: { type: 'boolean', default: false },
    /** MB: AWS_LAMBDA_FUNCTION_MEMORY_SIZE, context.memoryLimitInMB and each worker's V8 heap cap. */
    memorySize: { type: 'integer', minimum: 128, maximum: 10240, default: 1024 },
    /** Execution environments, each running one invocation at a time; Knative containerConcurrency. */
    concurrency: { type: 'integer', minimum: 1, maximum: 256, default: 1 },
    /**
     * worker (the default): each environment is a worker thread; inline: the one environment
     * runs on the server's own thread (concurrency 1 only, opt-in: see docs/lambda.md). No
     * schema default, so FN_LAMBDA_ISOLATION can choose when fn.yaml does not.
     */
    isolation: { enum: [...LAMBDA_ISOLATIONS] },
    /** AWS_REGION / AWS_DEFAULT_REGION when the environment sets none. */
    region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' },
    /** Log line format of console.* (AWS_LAMBDA_LOG_FORMAT). */
    logFormat: { enum: ['Text', 'JSON'], default: 'Text' },
    /** Minimum level in JSON format (AWS_LAMBDA_LOG_LEVEL). */
    logLevel: { enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] },
  },
} as const;
