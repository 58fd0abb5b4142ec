// Messages between the worker pool (main thread) and one Lambda execution environment (a
// worker thread). Kept to plain data: the event and the result cross as JSON text, as they
// cross the Runtime API on AWS (the handler gets a fresh JSON.parse of the event).
import type { LambdaErrorPayload } from '../types.js';

export interface WorkerConfig {
  taskRoot: string;
  handler: string;
  /** nodejs20.x / nodejs22.x (RIC 3.x semantics) or nodejs24.x (RIC 4.x, promise-only). */
  awsRuntime: string;
  functionName: string;
  functionVersion: string;
  memorySize: number;
  logGroupName: string;
  logStreamName: string;
  invokedFunctionArn: string;
  logFormat: 'Text' | 'JSON';
  logLevel?: string;
  /** AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA. */
  noGlobalAwslambda: boolean;
  /** AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING. */
  disableCallbackWarning: boolean;
  /** Largest result payload in bytes (RIE: 6 MiB + 100). */
  maxResponseBytes: number;
  /**
   * The environment runs on the pool's thread (isolation: inline): a plain-data result is handed
   * over as a copy (json-data.ts jsonCopy) instead of JSON text.
   */
  sameThread?: boolean;
}

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  requestId: string;
  /** The event as JSON text. */
  event: string;
  /**
   * The event itself, instead of `event`, when it is plain JSON data (json-data.ts) and the
   * environment runs on the pool's own thread (isolation: inline): no text round trip.
   */
  value?: unknown;
  hasValue?: true;
  deadline: number;
  /** JSON text of the client context / cognito identity, when present. */
  clientContext?: string;
  identity?: string;
  traceId?: string;
  invokedFunctionArn?: string;
}

/**
 * Every message may carry `lines`: function output written since the last message, so log
 * lines and results stay in order and a typical invocation costs one message, not one per line.
 */
export type FromWorker = (
  | { type: 'ready' }
  | { type: 'log' }
  | { type: 'init-error'; error: LambdaErrorPayload }
  /** `value` instead of `payload` (hasValue) when the environment shares the pool's thread. */
  | { type: 'result'; id: number; payload: string; value?: unknown; hasValue?: true }
  /** fatal: the environment is gone after this (uncaught exception, unhandled rejection). */
  | { type: 'error'; id: number; error: LambdaErrorPayload; fatal?: boolean }
  | { type: 'stream-head'; id: number; contentType: string }
  | { type: 'stream-chunk'; id: number; chunk: Uint8Array }
  | { type: 'stream-end'; id: number }
  | { type: 'stream-error'; id: number; error: LambdaErrorPayload }
  /** A queued invocation whose deadline passed before it could start: never run. */
  | { type: 'skipped'; id: number }
  /** The environment dies between invocations (a late uncaught exception): nothing sent to it started. */
  | { type: 'exiting' }
) & { lines?: string[] };

export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
