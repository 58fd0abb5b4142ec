// The Lambda Invoke API as AWS serves it and its runtime interface emulator copies it:
// POST /2015-03-31/functions/{name}/invocations (lambda.md §2.2 RIE, §3.5 "Invoke API";
// AWS API_Invoke.html). `@aws-sdk/client-lambda` with an endpoint override, and tests written
// for the emulator, work against an fnkit function. Errors of the API itself use AWS's REST-JSON
// shape: `x-amzn-ErrorType` header and `{"Type","message"}` body, which the SDK maps to its
// exception classes (RequestEntityTooLargeException...). InvokeWithResponseStream
// (POST /2021-11-15/functions/{name}/response-streaming-invocations) answers in AWS's
// event-stream framing (custom/eventstream.ts).
import { randomUUID } from 'node:crypto';
import type { RuntimeRequest, RuntimeResponse, RuntimeRoute } from '../types.js';
import { invokeComplete, payloadChunk } from './custom/eventstream.js';
import type { InvokeOutcome, LambdaInvoker } from './types.js';

/** API_Invoke: 6 MB synchronous request payload, 1 MB asynchronous (§3.13). */
export const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
export const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
/** API_Invoke: the ClientContext header holds at most 3,583 bytes of base64 (§3.13). */
export const CLIENT_CONTEXT_LIMIT = 3583;

export interface InvokeApiOptions {
  name: string;
  /** Seconds: each invocation's deadline. */
  timeout: number;
  /** Logs async (Event) invocation failures, which no caller waits for. Default: ctx.log. */
  log?: (line: string) => void;
}

export function invokeApiRoutes(invoker: LambdaInvoker, opts: InvokeApiOptions): RuntimeRoute[] {
  return [
    {
      method: 'POST',
      url: '/2015-03-31/functions/:name/invocations',
      async handler(req, ctx) {
        const type = header(req.headers, 'x-amz-invocation-type') ?? 'RequestResponse';
        if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
          return apiError(400, 'InvalidParameterValueException', `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, got "${type}"`);
        }
        const p = prepare(req, opts, type === 'Event' ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT);
        if ('kind' in p) return p;
        const { event, clientContext, requestId, base } = p;
        if (type === 'DryRun') return { kind: 'response', status: 204, headers: base, body: null };
        const traceId = header(req.headers, 'x-amzn-trace-id') ?? ctx.traceId;
        if (type === 'Event') {
          // Runs after the 202, detached from the HTTP request: its close must not abort it.
          const log = opts.log ?? ((l: string) => ctx.log.info({ requestId }, l));
          void invoker
            .invoke({ event, requestId, deadline: Date.now() + opts.timeout * 1000, clientContext, traceId, signal: new AbortController().signal })
            .then(
              (o) => {
                if (!o.ok) log(`async invocation ${requestId} failed: ${JSON.stringify(o.error)}`);
                else if ('stream' in o) void drain(o.stream.body);
              },
              (err: unknown) => log(`async invocation ${requestId} failed: ${String(err)}`),
            );
          return { kind: 'response', status: 202, headers: { 'x-amzn-requestid': requestId }, body: null };
        }
        const outcome = await invoker.invoke({
          event,
          requestId,
          deadline: Math.min(Date.now() + opts.timeout * 1000, ctx.deadline),
          clientContext,
          traceId,
          signal: ctx.signal,
        });
        return await renderOutcome(outcome, base);
      },
    },
    {
      // InvokeWithResponseStream (API_InvokeWithResponseStream): the answer is an event stream of
      // PayloadChunk events and one InvokeComplete, so SDK callers read a streaming function's
      // bytes as they come. RIE has no such endpoint (aws-lambda-runtime-interface-emulator#175).
      method: 'POST',
      url: '/2021-11-15/functions/:name/response-streaming-invocations',
      async handler(req, ctx) {
        const type = header(req.headers, 'x-amz-invocation-type') ?? 'RequestResponse';
        if (type !== 'RequestResponse' && type !== 'DryRun') {
          return apiError(400, 'InvalidParameterValueException', `X-Amz-Invocation-Type must be RequestResponse or DryRun for a streaming invocation, got "${type}"`);
        }
        const p = prepare(req, opts, SYNC_PAYLOAD_LIMIT);
        if ('kind' in p) return p;
        if (type === 'DryRun') return { kind: 'response', status: 204, headers: p.base, body: null };
        const outcome = await invoker.invoke({
          event: p.event,
          requestId: p.requestId,
          deadline: Math.min(Date.now() + opts.timeout * 1000, ctx.deadline),
          clientContext: p.clientContext,
          traceId: header(req.headers, 'x-amzn-trace-id') ?? ctx.traceId,
          signal: ctx.signal,
        });
        return { kind: 'response', status: 200, headers: { ...p.base, 'content-type': 'application/vnd.amazon.eventstream' }, body: streamEvents(outcome) };
      },
    },
  ];
}

type Prepared = { event: unknown; clientContext: unknown; requestId: string; base: Record<string, string> };

/** The checks both invoke routes share: function name and qualifier, size, JSON, client context. */
function prepare(req: RuntimeRequest & { params: Record<string, string> }, opts: InvokeApiOptions, limit: number): Prepared | RuntimeResponse {
  const name = matchFunctionName(safeDecode(req.params.name ?? ''), opts.name);
  const qualifier = new URLSearchParams(req.rawQuery).get('Qualifier');
  if (name === undefined || (qualifier !== null && qualifier !== '$LATEST')) {
    const shown = `${req.params.name}${qualifier ? `:${qualifier}` : ''}`;
    return apiError(404, 'ResourceNotFoundException', `Function not found: ${shown} (this endpoint serves "${opts.name}" and "function", version $LATEST)`);
  }
  const body = req.body ?? Buffer.alloc(0);
  if (body.length > limit) {
    return apiError(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  }
  const event = parsePayload(body);
  if (event instanceof Error) return apiError(400, 'InvalidRequestContentException', `Could not parse request body into json: ${event.message}`);
  const clientContext = parseClientContext(header(req.headers, 'x-amz-client-context'));
  if (clientContext instanceof Error) return apiError(400, 'InvalidRequestContentException', clientContext.message);
  const requestId = randomUUID();
  return { event, clientContext, requestId, base: { 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' } };
}

/**
 * An outcome as InvokeWithResponseStream events. A streamed result keeps its HTTP prelude
 * (JSON + 8 NULs) in the bytes, as the runtime wrote them; a buffered result is one chunk.
 */
async function* streamEvents(outcome: InvokeOutcome): AsyncGenerator<Uint8Array> {
  if (!outcome.ok) {
    yield invokeComplete({ ErrorCode: outcome.error.errorType, ErrorDetails: outcome.error.errorMessage });
    return;
  }
  if ('stream' in outcome) {
    const { prelude, body } = outcome.stream;
    if (prelude) yield payloadChunk(Buffer.concat([Buffer.from(JSON.stringify(prelude)), Buffer.alloc(8)]));
    try {
      for await (const c of body) if (c.length) yield payloadChunk(c);
    } catch (err) {
      const e = (err as { lambdaError?: { errorType: string; errorMessage: string } }).lambdaError;
      yield invokeComplete({ ErrorCode: e?.errorType ?? 'Runtime.StreamError', ErrorDetails: e?.errorMessage ?? String((err as Error)?.message ?? err) });
      return;
    }
    yield invokeComplete({});
    return;
  }
  let text: string;
  try {
    text = JSON.stringify(outcome.result === undefined ? null : outcome.result);
  } catch (err) {
    yield invokeComplete({ ErrorCode: 'Runtime.JSONStringifyError', ErrorDetails: `Unable to stringify response body: ${(err as Error).message}` });
    return;
  }
  yield payloadChunk(Buffer.from(text));
  yield invokeComplete({});
}

/** The path names the function as `function` (RIE), its name, `name:$LATEST` or its ARN. */
export function matchFunctionName(given: string, name: string): string | undefined {
  if (given === 'function' || given === name) return name;
  const arn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::(.+))?$/.exec(given);
  const [fn, qualifier] = arn ? [arn[1], arn[2]] : given.split(':', 2);
  if ((fn === name || fn === 'function') && (qualifier === undefined || qualifier === '$LATEST')) return name;
  return undefined;
}

/** An empty payload is `{}` on AWS; anything else must be JSON (API_Invoke InvalidRequestContentException). */
export function parsePayload(body: Buffer): unknown | Error {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    return err as Error;
  }
}

/** X-Amz-Client-Context: base64 of a JSON object, at most 3,583 bytes. */
export function parseClientContext(value: string | undefined): unknown | Error {
  if (value === undefined || value === '') return undefined;
  if (value.length > CLIENT_CONTEXT_LIMIT) {
    return new Error(`Client context must be at most ${CLIENT_CONTEXT_LIMIT} bytes of base64, got ${value.length}`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return new Error('Client context must be a valid Base64-encoded JSON object.');
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch {
    return new Error('Client context must be a valid Base64-encoded JSON object.');
  }
}

async function renderOutcome(outcome: InvokeOutcome, base: Record<string, string>): Promise<RuntimeResponse> {
  if (!outcome.ok) {
    // Real AWS: 200 with X-Amz-Function-Error: Unhandled and the error JSON (API_Invoke); RIE omits
    // the header, which is why SDK callers could not tell failures apart there.
    return {
      kind: 'response',
      status: 200,
      headers: { ...base, 'x-amz-function-error': 'Unhandled', 'content-type': 'application/json' },
      body: JSON.stringify(outcome.error),
    };
  }
  if ('stream' in outcome) {
    // A buffered caller of a streaming function gets the concatenated body (§3.11).
    const chunks: Buffer[] = [];
    try {
      for await (const c of outcome.stream.body) chunks.push(Buffer.from(c));
    } catch (err) {
      const e = (err as { lambdaError?: { errorType: string; errorMessage: string } }).lambdaError ?? {
        errorType: 'Runtime.StreamError',
        errorMessage: String((err as Error)?.message ?? err),
      };
      return { kind: 'response', status: 200, headers: { ...base, 'x-amz-function-error': 'Unhandled', 'content-type': 'application/json' }, body: JSON.stringify(e) };
    }
    const ct = outcome.stream.prelude?.headers?.['content-type'] ?? outcome.stream.prelude?.headers?.['Content-Type'] ?? 'application/octet-stream';
    return { kind: 'response', status: 200, headers: { ...base, 'content-type': ct }, body: Buffer.concat(chunks) };
  }
  // §3.2: JSON.stringify(result === undefined ? null : result).
  let text: string;
  try {
    text = JSON.stringify(outcome.result === undefined ? null : outcome.result);
  } catch (err) {
    const error = { errorType: 'Runtime.JSONStringifyError', errorMessage: `Unable to stringify response body: ${(err as Error).message}` };
    return { kind: 'response', status: 200, headers: { ...base, 'x-amz-function-error': 'Unhandled', 'content-type': 'application/json' }, body: JSON.stringify(error) };
  }
  return { kind: 'response', status: 200, headers: { ...base, 'content-type': 'application/json' }, body: text };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    for await (const _ of body) void _;
  } catch {
    /* an async caller never sees the stream */
  }
}

function apiError(status: number, type: string, message: string): RuntimeResponse {
  return {
    kind: 'response',
    status,
    headers: { 'x-amzn-errortype': type, 'content-type': 'application/json' },
    body: JSON.stringify({ Type: 'User', message }),
  };
}

/** fastify has decoded the parameter once already; a second pass only matters for %3A-style ARNs. */
function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
