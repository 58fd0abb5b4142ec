// The context object a handler receives (specs/lambda.md §3.3; RIC InvokeContext.js).
// getRemainingTimeInMillis counts down to the invocation's deadline on the wall clock, like
// Lambda-Runtime-Deadline-Ms - Date.now(); no clamp, as in the RIC.
import type { InvokeMessage, WorkerConfig } from './protocol.js';

export interface Completion {
  /** 3.x callback(err, result): honours context.callbackWaitsForEmptyEventLoop. */
  callback(err: unknown, result?: unknown): void;
  /** context.done / succeed / fail: complete at once. */
  done(err: unknown, result?: unknown): void;
}

function parseJsonHeader(text: string | undefined, what: string): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Cannot parse ${what} as json: ${(e as Error).message}`);
  }
}

export function buildContext(cfg: WorkerConfig, msg: InvokeMessage, completion: Completion | undefined): Record<string, unknown> {
  const identity = parseJsonHeader(msg.identity, 'CognitoIdentity');
  const clientContext = parseJsonHeader(msg.clientContext, 'ClientContext');
  const getRemainingTimeInMillis = () => msg.deadline - Date.now();
  if (!completion) {
    return {
      functionName: cfg.functionName,
      functionVersion: cfg.functionVersion,
      invokedFunctionArn: msg.invokedFunctionArn ?? cfg.invokedFunctionArn,
      memoryLimitInMB: String(cfg.memorySize),
      awsRequestId: msg.requestId,
      logGroupName: cfg.logGroupName,
      logStreamName: cfg.logStreamName,
      identity,
      clientContext,
      getRemainingTimeInMillis,
    };
  }
  // nodejs <= 22 only; the 24 generation removed them (RIC 4.x). callbackWaitsForEmptyEventLoop
  // is a plain property that the callback reads when it is called, not the RIC's per-context
  // getter/setter: an accessor defined per object gives each context its own hidden class,
  // which lives in V8's old space until a full GC and keeps the whole invocation reachable till
  // then (docs/lambda.md). One literal with every key, in the RIC's order: one shape, no growth.
  return {
    functionName: cfg.functionName,
    functionVersion: cfg.functionVersion,
    invokedFunctionArn: msg.invokedFunctionArn ?? cfg.invokedFunctionArn,
    memoryLimitInMB: String(cfg.memorySize),
    awsRequestId: msg.requestId,
    logGroupName: cfg.logGroupName,
    logStreamName: cfg.logStreamName,
    identity,
    clientContext,
    getRemainingTimeInMillis,
    callbackWaitsForEmptyEventLoop: true,
    done: (err: unknown, result?: unknown) => completion.done(err, result),
    succeed: (result?: unknown) => completion.done(null, result),
    // context.fail() with no argument reports errorType "string", errorMessage "handled".
    fail: (err?: unknown) => completion.done(err ?? 'handled'),
  };
}
