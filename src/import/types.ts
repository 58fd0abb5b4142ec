// What `fn import` finds in a serverless.yml or SAM template, before and after writing it out.
// One PlannedFunction per Lambda function; what fnkit cannot express is kept as NotMapped
// entries (issue 3: "what it cannot map is listed, not dropped").

export type SourceFormat = 'serverless' | 'sam';
export type FrontDoor = 'http-api' | 'rest-api' | 'alb' | 'function-url' | 'raw';

/** One thing from the source that fnkit does not carry over, and why. */
export interface NotMapped {
  /** Where it was, as a dotted path in the source file (functions.api.events[2].schedule). */
  key: string;
  /** What it said, shortened. */
  value?: string;
  reason: string;
}

export interface PlannedFunction {
  /** The function's key in the source (serverless function name / SAM logical id). */
  source: string;
  /** The fnkit function name (a DNS-1123 label). */
  name: string;
  status: 'imported' | 'skipped';
  /** Why it was skipped. */
  reason?: string;
  handler?: string;
  awsRuntime?: string;
  /** Seconds. */
  timeout: number;
  memorySize: number;
  env: Record<string, string>;
  frontDoor: FrontDoor;
  routes: string[];
  binaryMediaTypes: string[];
  multiValueHeaders?: boolean;
  region?: string;
  /** Absolute folder whose files become the function's task root (copied unchanged). */
  codeDir: string;
  notMapped: NotMapped[];
  /** Where the function was (or would be) written. */
  dir?: string;
}

export interface ImportPlan {
  format: SourceFormat;
  /** Absolute path of the file read. */
  source: string;
  /** Service / stack name. */
  project: string;
  functions: PlannedFunction[];
  /** Project-level things not mapped (plugins, resources, outputs...). */
  notMapped: NotMapped[];
}

export interface ImportResult extends ImportPlan {
  out: string;
  dryRun: boolean;
}
