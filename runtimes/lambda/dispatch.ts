// RuntimeRequest -> front door -> LambdaInvoker -> response. The front door is chosen per
// function (fn.yaml lambda.frontDoor); a request that carries a CloudEvent always goes through
// the CloudEvent door. Error details go to the function log, never to the HTTP client
// (specs/lambda.md §1.5).
import { randomUUID } from 'node:crypto';
import type { InvocationContext, RuntimeRequest, RuntimeResponse, RuntimeResult } from '../types.js';
import type { InvokeOutcome, InvokeRequest, LambdaInvoker, StreamedResult } from './types.js';
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
 */
export class HttpInvokeRequest implements InvokeRequest {
  constructor(
    readonly event: unknown,
    readonly requestId: string,
    readonly deadline: number,
    readonly traceId: string | undefined,
    readonly clientContext: unknown,
    private readonly ctx: InvocationContext,
    readonly plainEvent: boolean,
  ) {}

  get signal(): AbortSignal {
    return this.ctx.signal;
  }
}

export interface DispatchOptions {
  settings: LambdaSettings;
  invoker: LambdaInvoker;
  /** Function log lines (stdout in a container). */
  log: (line: string) => void;
}

export function createDispatcher(o: DispatchOptions): (req: RuntimeRequest, ctx: InvocationContext) => RuntimeResult | Promise<RuntimeResult> {
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
  function invocationFor(event: unknown, req: RuntimeRequest, ctx: InvocationContext, clientContext?: unknown, newId = false, plainEvent = false, now = Date.now()): HttpInvokeRequest {
    // The invoker's request ids are UUID-shaped, so the first invocation of a request carries
    // the same id in the access log, the function's log lines and context.awsRequestId.
    // The invoker's own ids are UUID-shaped: checking them would mean flattening each one.
    const requestId = !newId && (ctx.requestIdIsOwn === true || isUuidShaped(ctx.requestId)) ? ctx.requestId : randomUUID();
    const trace = req.headers['x-amzn-trace-id'];
    return new HttpInvokeRequest(event, requestId, deadlineFor(ctx, now), (Array.isArray(trace) ? trace[0] : trace) ?? ctx.traceId, clientContext, ctx, plainEvent);
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

  function viaHttp(req: RuntimeRequest, ctx: InvocationContext): RuntimeResponse | Promise<RuntimeResponse> {
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
    const inv = invocationFor(mapped.event, req, ctx, undefined, false, true, c.now);
    const invokeThen = o.invoker.invokeThen;
    if (!invokeThen) return o.invoker.invoke(inv).then((outcome) => asBytes(httpAnswer(outcome, inv.requestId, req, c)));
    // The answer is mapped the moment the outcome arrives; the callback must not throw into the pool.
    return new Promise((resolve, reject) => {
      invokeThen(inv, (outcome) => {
        try {
          resolve(asBytes(httpAnswer(outcome, inv.requestId, req, c)));
        } catch (e) {
          reject(e);
        }
      });
    });
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
