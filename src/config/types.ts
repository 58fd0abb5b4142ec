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

/** Owned by the Lambda runtime (runtimes/lambda); see schema-lambda.ts. */
export type LambdaSection = Record<string, unknown>;

/** Owned by the image builder (src/build); see schema-build.ts. */
export type BuildSection = Record<string, unknown>;

/** Owned by the Knative deployer (src/deploy); see schema-deploy.ts. */
export type DeploySection = Record<string, unknown>;
