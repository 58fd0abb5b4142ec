// RuntimeRequest -> front door -> LambdaInvoker -> response. The front door is chosen per
// function (fn.yaml lambda.frontDoor); a request that carries a CloudEvent always goes through
// the CloudEvent door. Error details go to the function log, never to the HTTP client
// (specs/lambda.md §1.5).
import { randomUUID } from 'node:crypto';
import type { InvocationContext, ResultLater, RuntimeRequest, RuntimeResponse, RuntimeResult } from '../types.js';
import type { InvokeOutcome, InvokeRequest, LambdaInvoker, OutcomeReceiver, StreamedResult } from './types.js';
import type { LambdaSettings } from './settings.js';
import { MAX_SYNC_PAYLOAD } from './settings.js';
import { DEFAULT_ACCOUNT_ID } from './env.js';
import { type DoorContext, type EventOrResponse, type MappedResult, jsonResponse } from './events/http.js';
import { restError, restEvent, restResult } from './events/apigw-v1.js';
import { httpApiError, httpApiEvent, httpApiResult } from './events/apigw-v2.js';
import { albError, albEvent, albResult } from './events/alb.js';
import { functionUrlError, functionUrlEvent, functionUrlResult } from './events/function-url.js';
import { rawError, rawEvent, rawResult } from './events/raw.js';
import { cloudEventAttributes, cloudEventError, cloudEventResult, cloudEventToLambdaEvent } from './events/cloudevent.js';
import { streamResponse } from './events/stream.js';

interface Door {
  event(req: RuntimeRequest, c: DoorContext): EventOrResponse;
  result(result: unknown, req: RuntimeRequest, c: DoorContext): MappedResult;
  error(): RuntimeResponse;
}

const DOORS: Record<LambdaSettings['frontDoor'], Door> = {
  'http-api': { event: httpApiEvent, result: (r) => httpApiResult(r), error: httpApiError },
  'rest-api': { event: restEvent, result: restResult, error: restError },
  alb: { event: albEvent, result: (r, _q, c) => albResult(r, c), error: albError },
  'function-url': { event: functionUrlEvent, result: (r) => functionUrlResult(r), error: functionUrlError },
  raw: { event: (req) => rawEvent(req), result: (r) => rawResult(r), error: rawError },
};

/** Margin left before the invoker's own deadline so the front door's answer, not a 504, goes out. */
const REPLY_MARGIN_MS = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether an id is UUID-shaped (a client's x-request-id may be anything). */
export function isUuidShaped(id: string): boolean {
  return UUID.test(id);
}

/**
 * An invocation for an HTTP request. `signal` is read only by the custom-runtime host: the
 * invoker creates the signal on first read, which the worker pool never needs (~3 % of the main
 * thread, measured in docs/lambda.md). A prototype getter, not a getter in an object literal:
 * that would give every request object its own hidden class, kept in V8's old space until a
 * full GC together with everything it reaches (docs/lambda.md, "Garbage collection").
 *
 * Through an HTTP front door it is also where the outcome arrives (`receive`, called by the
 * pool) and the answer the invoker waits for (`then`): mapped and handed over at once, where a
 * promise with its executor, resolvers, callback and reaction cost five allocations and a
 * microtask per request. One consumer; `await` works as on a promise.
 */
export class HttpInvokeRequest implements InvokeRequest, OutcomeReceiver, ResultLater {
  private answerTo?: (r: RuntimeResult) => void;
  private errorTo?: (e: unknown) => void;
  /** 0 waiting, 1 answered, 2 failed (before anyone asked). */
  private state = 0;
  private settled: unknown;

  constructor(
    readonly event: unknown,
    readonly requestId: string,
    readonly deadline: number,
    readonly traceId: string | undefined,
    readonly clientContext: unknown,
    private readonly ctx: InvocationContext,
    readonly plainEvent: boolean = false,
    /** Maps the outcome to the HTTP answer (an HTTP front door's invocation only); shared, not per request. */
    private readonly answer?: (outcome: InvokeOutcome, inv: HttpInvokeRequest) => RuntimeResponse,
    readonly httpRequest?: RuntimeRequest,
    readonly door?: DoorContext,
  ) {}

  get signal(): AbortSignal {
    return this.ctx.signal;
  }

  receive(outcome: InvokeOutcome): void {
    let r: RuntimeResponse;
    try {
      r = this.answer!(outcome, this);
    } catch (e) {
      return this.hand(2, e);
    }
    this.hand(1, r);
  }

  reject(e: unknown): void {
    this.hand(2, e);
  }

  then(onResult: (r: RuntimeResult) => void, onError: (e: unknown) => void): void {
    if (this.state === 1) return onResult(this.settled as RuntimeResult);
    if (this.state === 2) return onError(this.settled);
    const prevAnswer = this.answerTo;
    const prevError = this.errorTo;
    this.answerTo = prevAnswer ? (r) => (prevAnswer(r), onResult(r)) : onResult;
    this.errorTo = prevError ? (e) => (prevError(e), onError(e)) : onError;
  }

  private hand(state: 1 | 2, v: unknown): void {
    const to = state === 1 ? this.answerTo : this.errorTo;
    if (!to) {
      this.state = state;
      this.settled = v;
      return;
    }
    this.answerTo = this.errorTo = undefined;
    try {
      to(v as RuntimeResult);
    } catch (e) {
      // As from a promise's reaction: reported as an unhandled rejection, never thrown into the pool.
      void Promise.reject(e);
    }
  }
}

export interface DispatchOptions {
  settings: LambdaSettings;
  invoker: LambdaInvoker;
  /** Function log lines (stdout in a container). */
  log: (line: string) => void;
}

export function createDispatcher(o: DispatchOptions): (req: RuntimeRequest, ctx: InvocationContext) => RuntimeResult | Promise<RuntimeResult> | ResultLater {
  const s = o.settings;
  const door = DOORS[s.frontDoor];
  // Fixed per function: not tested again for every request.
  const accountId = s.env.AWS_ACCOUNT_ID && /^\d{12}$/.test(s.env.AWS_ACCOUNT_ID) ? s.env.AWS_ACCOUNT_ID : DEFAULT_ACCOUNT_ID;
  const logError = (requestId: string, text: string) => o.log(`${new Date().toISOString()}\t${requestId}\tERROR\t${text.replace(/\n/g, '\r')}`);

  function deadlineFor(ctx: InvocationContext, now: number): number {
    return Math.min(now + s.timeout * 1000, ctx.deadline - REPLY_MARGIN_MS);
  }

  /**
   * `newId`: a further invocation for the same HTTP request (a CloudEvent batch) needs its own id.
   * `plainEvent`: the event is a front door's, plain JSON data by construction (events/*.test.ts).
   */
  function invocationFor(event: unknown, req: RuntimeRequest, ctx: InvocationContext, clientContext?: unknown, newId = false, plainEvent = false, now = Date.now(), door?: DoorContext): HttpInvokeRequest {
    // The invoker's request ids are UUID-shaped, so the first invocation of a request carries
    // the same id in the access log, the function's log lines and context.awsRequestId.
    // The invoker's own ids are UUID-shaped: checking them would mean flattening each one.
    const requestId = !newId && (ctx.requestIdIsOwn === true || isUuidShaped(ctx.requestId)) ? ctx.requestId : randomUUID();
    const trace = req.headers['x-amzn-trace-id'];
    const traceId = (Array.isArray(trace) ? trace[0] : trace) ?? ctx.traceId;
    if (door) return new HttpInvokeRequest(event, requestId, deadlineFor(ctx, now), traceId, clientContext, ctx, plainEvent, answerHttp, req, door);
    return new HttpInvokeRequest(event, requestId, deadlineFor(ctx, now), traceId, clientContext, ctx, plainEvent);
  }

  async function run(event: unknown, req: RuntimeRequest, ctx: InvocationContext, extra: { clientContext?: unknown; newId?: boolean } = {}): Promise<{ outcome: InvokeOutcome; requestId: string }> {
    const inv = invocationFor(event, req, ctx, extra.clientContext, extra.newId);
    return { outcome: await o.invoker.invoke(inv), requestId: inv.requestId };
  }

  async function viaCloudEvent(req: RuntimeRequest, ctx: InvocationContext): Promise<RuntimeResult> {
    const events = Array.isArray(req.cloudEvent) ? req.cloudEvent : [req.cloudEvent!];
    const results: unknown[] = [];
    for (let i = 0; i < events.length; i++) {
      const ce = events[i]!;
      const { outcome, requestId } = await run(cloudEventToLambdaEvent(ce), req, ctx, { clientContext: { custom: cloudEventAttributes(ce) }, newId: i > 0 });
      if (!outcome.ok) {
        if (outcome.kind === 'init') logError(requestId, `Init Error \t${JSON.stringify(outcome.error)}`);
        return cloudEventError(outcome.kind === 'timeout');
      }
      if ('stream' in outcome) {
        logError(requestId, 'a streaming handler cannot answer a CloudEvent; use an HTTP front door');
        return cloudEventError(false);
      }
      results.push(outcome.result);
    }
    return cloudEventResult(Array.isArray(req.cloudEvent) ? results : results[0]);
  }

  // Not async functions: one promise and one reaction per HTTP invocation, where three chained
  // async frames made a promise and a reaction each.
  return function dispatch(req, ctx) {
    if (req.cloudEvent) return viaCloudEvent(req, ctx);
    return viaHttp(req, ctx);
  };

  function viaHttp(req: RuntimeRequest, ctx: InvocationContext): RuntimeResponse | ResultLater {
    const c: DoorContext = {
      requestId: ctx.requestId,
      now: Date.now(),
      stage: s.stage,
      routes: s.routes,
      binaryMediaTypes: s.binaryMediaTypes,
      multiValueHeaders: s.multiValueHeaders,
      name: s.name,
      region: s.region,
      accountId,
    };
    const mapped = door.event(req, c);
    if ('response' in mapped) return asBytes(mapped.response);
    // 6 MB sync payload limit (§3.13); only a large body can push the event past it.
    if (req.body && req.body.length > MAX_SYNC_PAYLOAD / 2) {
      const size = Buffer.byteLength(JSON.stringify(mapped.event));
      if (size > MAX_SYNC_PAYLOAD) {
        logError(ctx.requestId, `Request payload of ${size} bytes exceeds the ${MAX_SYNC_PAYLOAD}-byte Lambda limit`);
        return asBytes(jsonResponse(413, { message: 'Request Entity Too Large' }));
      }
    }
    const inv = invocationFor(mapped.event, req, ctx, undefined, false, true, c.now, c);
    if (o.invoker.invokeThen) o.invoker.invokeThen(inv, inv);
    else o.invoker.invoke(inv).then((outcome) => inv.receive(outcome), (e: unknown) => inv.reject(e));
    return inv;
  }

  function answerHttp(outcome: InvokeOutcome, inv: HttpInvokeRequest): RuntimeResponse {
    return asBytes(httpAnswer(outcome, inv.requestId, inv.httpRequest!, inv.door!));
  }

  function httpAnswer(outcome: InvokeOutcome, requestId: string, req: RuntimeRequest, c: DoorContext): RuntimeResponse {
    if (!outcome.ok) {
      // The worker already logged "Invoke Error"/"Uncaught Exception" with the details.
      if (outcome.kind === 'init') logError(requestId, `Init Error \t${JSON.stringify(outcome.error)}`);
      return door.error();
    }
    if ('stream' in outcome) return streamOut(outcome.stream);
    const out = door.result(outcome.result, req, c);
    if (out.problem) logError(requestId, out.problem);
    return out.response;
  }

  function streamOut(st: StreamedResult): RuntimeResponse {
    return streamResponse(st);
  }
}

/**
 * The invoker sends a text body as is, under the function's own Content-Type. Without one it
 * would label text "text/plain; charset=utf-8"; the Lambda runtime has always sent such a body
 * as bytes (application/octet-stream), so only that case is converted.
 */
function asBytes(r: RuntimeResponse): RuntimeResponse {
  if (typeof r.body !== 'string' || r.headers['content-type'] !== undefined) return r;
  r.body = Buffer.from(r.body);
  return r;
}
