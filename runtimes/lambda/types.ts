// The seam inside the Lambda runtime: front doors (API Gateway v1/v2, ALB, Function URL, raw,
// CloudEvent, the Invoke API) turn a request into an event and an outcome back into a response;
// a LambdaInvoker runs one event through the user's code. Two invokers exist: the Node worker
// pool (handlers in JS, loaded as AWS loads them) and the custom-runtime host (a `bootstrap`
// executable talking to the Runtime API). Front doors never know which one is behind them.

/** AWS's error shape, as the Runtime API and the Invoke API carry it. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export interface InvokeRequest {
  /** The event, already a JS value (the Invoke API parses the JSON body first). */
  event: unknown;
  /** Lambda-Runtime-Aws-Request-Id / context.awsRequestId. */
  requestId: string;
  /** Absolute epoch ms: context.getRemainingTimeInMillis() counts down to it. */
  deadline: number;
  /** Base64 or parsed client context / cognito identity, when the Invoke API got them. */
  clientContext?: unknown;
  identity?: unknown;
  /** W3C or X-Ray trace header to expose as _X_AMZN_TRACE_ID. */
  traceId?: string;
  /** Fires when the HTTP client went away or the invoker is shutting down. */
  signal: AbortSignal;
  /**
   * The event is plain JSON data built for this invocation alone (a front door's event): an
   * environment on the same thread may take it as is, without checking or copying it.
   */
  readonly plainEvent?: boolean;
}

/** A streamed result (awslambda.streamifyResponse): metadata prelude then body chunks. */
export interface StreamedResult {
  /** From HttpResponseStream.from(stream, {statusCode, headers, cookies}); absent for a plain stream. */
  prelude?: { statusCode?: number; headers?: Record<string, string>; cookies?: string[] };
  body: AsyncIterable<Uint8Array>;
}

export type InvokeOutcome =
  | { ok: true; result: unknown }
  | { ok: true; stream: StreamedResult }
  | {
      ok: false;
      error: LambdaErrorPayload;
      /**
       * 'handled': the handler threw/rejected/called back with an error (X-Amz-Function-Error: Unhandled on AWS too,
       * the naming is AWS's). 'timeout': Task timed out. 'crash': the runtime died (process/worker exit).
       */
      kind: 'handled' | 'timeout' | 'crash' | 'init';
    };

export interface OutcomeReceiver {
  receive(outcome: InvokeOutcome): void;
}

export interface LambdaInvoker {
  /** Load the code (module init / bootstrap start). Rejects with the init error. */
  init(): Promise<void>;
  invoke(req: InvokeRequest): Promise<InvokeOutcome>;
  /**
   * The same, answered through `to.receive`, called once, synchronously when the outcome
   * arrives: a caller that maps the outcome at once spares a promise, a microtask and the
   * closures per invocation (the HTTP dispatcher's request is its own receiver).
   */
  invokeThen?(req: InvokeRequest, to: OutcomeReceiver): void;
  shutdown(): Promise<void>;
}
