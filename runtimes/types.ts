// The seam between the invoker (transport: sockets, limits, health, metrics, drain, CloudEvent
// parsing) and a runtime (how one kind of user code is loaded and called). A runtime never sees
// fastify; the invoker never knows whether a plain handler or a Lambda handler sits behind it.
// Adding a runtime is a new folder under runtimes/ that exports a RuntimeFactory.
import type { CloudEvent } from 'cloudevents';
import type { Readable } from 'node:stream';

export type HeaderValue = string | string[];
export type Headers = Record<string, HeaderValue | undefined>;

/** A logger bound to one request (pino-compatible subset). */
export interface Logger {
  trace(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** The request as the invoker hands it to a runtime: transport-neutral, nothing decoded twice. */
export interface RuntimeRequest {
  method: string;
  /** Path without the query string, as received (percent-encoded). */
  path: string;
  /** The raw request target: path plus query string. */
  url: string;
  /** Raw query string without the leading '?', '' when absent. */
  rawQuery: string;
  /** Lower-cased header names; repeated headers are arrays (set-cookie, or joined by node). */
  headers: Headers;
  /** Header names and values as they came on the wire, in order (for multi-value mapping). */
  rawHeaders: string[];
  /** The body bytes; undefined when the request had none or when `stream` is set. */
  body: Buffer | undefined;
  /** The body as a stream, only when the runtime asked for streaming input. */
  stream?: Readable;
  /** The parsed CloudEvent(s) when the request carried one (binary, structured or batch). */
  cloudEvent?: CloudEvent<unknown> | CloudEvent<unknown>[];
  /** The CloudEvents content mode the request used, when it carried an event. */
  cloudEventMode?: 'binary' | 'structured' | 'batch';
  remoteAddress: string;
  protocol: 'http' | 'https';
  host: string;
}

/** What the invocation may use from the invoker. */
export interface InvocationContext {
  requestId: string;
  /** The invoker made the id (UUID-shaped); false when it came from the client's x-request-id. */
  readonly requestIdIsOwn?: boolean;
  log: Logger;
  /** Fires on timeout, client disconnect or shutdown. */
  signal: AbortSignal;
  /** Absolute epoch ms after which the invoker answers 504. */
  deadline: number;
  /** W3C trace id from `traceparent`, when present. */
  traceId?: string;
  /** K_SERVICE, K_REVISION, K_CONFIGURATION of the running function (Knative runtime contract). */
  knative?: { service?: string; revision?: string; configuration?: string };
}

/** An explicit HTTP response; the invoker writes it as is. */
export interface RuntimeResponse {
  kind: 'response';
  status: number;
  /** set-cookie and any other repeated header as arrays. */
  headers: Headers;
  body?: Buffer | string | AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> | null;
}

/**
 * A handler's return value the invoker must still encode: as JSON/text/bytes/stream for an HTTP
 * request, or as a reply CloudEvent (in the request's mode) for a CloudEvent request. `undefined`
 * means "nothing to say" (204 for HTTP, 202 for an event).
 */
export interface RuntimeValue {
  kind: 'value';
  value: unknown;
}

export type RuntimeResult = RuntimeResponse | RuntimeValue;

/**
 * A result still to come, handed to the consumer attached with `then` the moment it is known:
 * no promise, no microtask (the Lambda runtime's HTTP invocations, runtimes/lambda/dispatch.ts).
 * `await` takes it like a promise.
 */
export interface ResultLater {
  then(onResult: (r: RuntimeResult) => void, onError: (e: unknown) => void): void;
}

/** One kind of user code, loaded and ready to be called. */
export interface Runtime {
  readonly name: string;
  /** Load the user's code and run its init; readiness turns true once this resolves. */
  init(): Promise<void>;
  /**
   * A result now, or a promise of one. A handler that answered synchronously should be answered
   * synchronously: two promises and a microtask turn per request are measurable at this rate.
   */
  invoke(req: RuntimeRequest, ctx: InvocationContext): RuntimeResult | Promise<RuntimeResult> | ResultLater;
  /** Runs once on SIGTERM/SIGINT, after in-flight requests finished or the grace deadline passed. */
  shutdown(): Promise<void>;
  /** Ask the invoker for the body as a stream instead of bytes (per request). */
  wantsStream?(req: Pick<RuntimeRequest, 'method' | 'path' | 'headers'>): boolean;
  /**
   * Extra routes served by the runtime itself, outside the user's path space (for example the
   * Lambda Invoke API). The invoker registers them before the catch-all.
   */
  routes?: RuntimeRoute[];
  /**
   * Offered every uncaught exception / unhandled rejection before the invoker attributes it to a
   * request; true means the runtime handled it (the Lambda runtime's inline environment answers
   * the running invocation in Lambda's shape).
   */
  claimUncaught?(err: unknown, origin: 'uncaughtException' | 'unhandledRejection'): boolean;
  /**
   * True when no user code of this runtime can throw asynchronously on the invoker's behalf
   * unnoticed: it runs elsewhere (worker threads, a bootstrap process) or claimUncaught()
   * answers for it. The invoker then does not track each request's async context, which on
   * Node 20 and 22 (AsyncLocalStorage over async hooks) costs every request 1 to 2 µs.
   */
  readonly attributesAsyncErrors?: boolean;
  /**
   * The user's handler is a plain (not `async`) function. The invoker then tracks a request's
   * async context only once the handler has shown it can outlive its call (it returned a promise,
   * a stream was sent, or an error came from outside any tracked request): until then no request pays
   * for AsyncLocalStorage, which on Node 20 and 22 costs every request 1 to 3 µs (docs/invoker.md).
   */
  readonly syncHandler?: boolean;
}

export interface RuntimeRoute {
  method: string | string[];
  /** A fastify-style route pattern, for example '/2015-03-31/functions/:name/invocations'. */
  url: string;
  handler(req: RuntimeRequest & { params: Record<string, string> }, ctx: InvocationContext): Promise<RuntimeResponse>;
}
