// FunctionSpec: fn.yaml as the code sees it, after validation and defaults. One section per area;
// each area owns its schema fragment in schema-<area>.ts and its type here.

export type RuntimeName = 'node' | 'lambda';

export interface FunctionSpec {
  /** A DNS-1123 label: it becomes the Knative Service name. */
  name: string;
  runtime: RuntimeName;
  /**
   * node: the entry file relative to the function folder (index.ts).
   * lambda: the AWS handler string (src/app.handler).
   */
  handler: string;
  /** Request timeout in seconds: the invoker's per-request deadline and Knative's timeoutSeconds. */
  timeout: number;
  /** Plain environment variables, for `fn run` and the deployed container alike. */
  env: Record<string, string>;
  invoker: InvokerSection;
  lambda?: LambdaSection;
  build: BuildSection;
  deploy: DeploySection;
  /** Absolute path of the function folder (not in the file). */
  dir: string;
  /** Absolute path of fn.yaml (not in the file). */
  file: string;
}

export interface InvokerSection {
  /** Body size limit in bytes (fn.yaml accepts units: 6mb, 512kb). */
  bodyLimit: number;
  /** Where the invoker's own endpoints live: <prefix>/health/liveness, <prefix>/metrics. */
  reservedPrefix: string;
  cloudevents: {
    /** How a reply event is encoded: like the request, or always one mode. */
    replyMode: 'request' | 'binary' | 'structured';
    /** type/source of the reply event made from a plain returned value. */
    replyType: string;
    replySource: string;
  };
}

/** Owned by the Lambda runtime (runtimes/lambda); see schema-lambda.ts and docs/lambda.md. */
export interface LambdaSection {
  /**
   * AWS runtime generation to mimic; nodejs24.x is promise-only, provided.* runs ./bootstrap.
   * Unset: nodejs22.x, or provided.al2023 when the task root has an executable bootstrap.
   */
  awsRuntime?: 'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x' | 'provided.al2023' | 'provided.al2';
  /** How an HTTP request becomes the Lambda event (default http-api = API Gateway HTTP API 2.0). */
  frontDoor: 'http-api' | 'rest-api' | 'alb' | 'function-url' | 'raw';
  /** Route templates, "GET /pets/{petId}", "ANY /{proxy+}"; empty = every path ($default). */
  routes: string[];
  /** API Gateway stage name: URL prefix and requestContext.stage. */
  stage?: string;
  /** REST API binaryMediaTypes. */
  binaryMediaTypes: string[];
  /** ALB multi-value headers on/off. */
  multiValueHeaders: boolean;
  /** MB. */
  memorySize: number;
  /** Worker pool size = invocations in flight; the deployer sets containerConcurrency to it. */
  concurrency: number;
  region?: string;
  logFormat: 'Text' | 'JSON';
  logLevel?: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
  /** Keys other areas add (custom runtime). */
  [key: string]: unknown;
}

/** Owned by the image builder (src/build); see schema-build.ts and docs/build.md. */
export interface BuildSection {
  /** Base image reference (default: src/build/defaults.ts DEFAULT_BASE); pin as name@sha256:... */
  base?: string;
  /** Target repository[:tag]; wins over `registry`. */
  image?: string;
  /** Target registry/namespace: the image becomes <registry>/<name>. */
  registry?: string;
  /** os/arch[/variant] strings, e.g. linux/arm64. */
  platforms?: string[];
  /** Globs of extra files (relative to the function folder) shipped beside the bundle. */
  include?: string[];
  /** Packages not to bundle, installed from the lockfile into a separate deps layer. */
  external?: string[];
  /** Plain HTTP to the registries (loopback is always allowed). */
  insecure?: boolean;
  /**
   * Add a layer with a V8 code cache of the fnkit runtime, made by the base image's own node
   * (src/build/code-cache.ts); default true. Its bytes differ from one machine to the next, so
   * turn it off for images that must be bit-for-bit reproducible across machines.
   */
  codeCache?: boolean;
}

/**
 * Owned by the Knative deployer (src/deploy); see schema-deploy.ts and docs/deploy-translation.md.
 * The fn.yaml shape as written (units unparsed); src/deploy/manifest.ts does the translation.
 */
export interface DeploySection {
  /** Namespace to deploy to; the CLI flag and the kube context come after it. */
  namespace?: string;
  /** -> autoscaling.knative.dev/* annotations on the revision template. */
  scale?: {
    min?: number;
    max?: number;
    initial?: number;
    target?: number;
    metric?: 'concurrency' | 'rps' | 'cpu' | 'memory';
    /** Duration: "60s", "2m" or a number of seconds. */
    window?: string | number;
    /** target-utilization-percentage, 1..100. */
    utilization?: number;
  };
  /** containerConcurrency 0..1000 (0 = unlimited); lambda defaults to lambda.concurrency. */
  concurrency?: number;
  resources?: {
    requests?: { cpu?: string | number; memory?: string | number };
    limits?: { cpu?: string | number; memory?: string | number };
  };
  /** Whole Secrets / ConfigMaps imported as env (envFrom). */
  envFrom?: Array<{ secret: string } | { configMap: string }>;
  /** ENV_NAME -> "secret-name/key" (secretKeyRef). */
  secrets?: Record<string, string>;
  /** ENV_NAME -> "configmap-name/key" (configMapKeyRef). */
  configMaps?: Record<string, string>;
  visibility?: 'public' | 'cluster-local';
  /** Empty or absent: the latest revision takes 100 %. */
  traffic?: Array<{ revision?: string; latest?: boolean; percent: number; tag?: string }>;
  subscriptions?: Array<{ broker: string; filters: Record<string, string>; path?: string }>;
  serviceAccountName?: string;
  imagePullSecrets?: string[];
  /** Extra annotations on the Service (autoscaling.* are refused: use scale). */
  annotations?: Record<string, string>;
  /** Extra labels on the Service and the revision template. */
  labels?: Record<string, string>;
}
