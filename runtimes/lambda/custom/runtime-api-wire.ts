// Pure wire-format helpers of the Runtime API: error bodies, the streaming HTTP prelude, the
// trace header and the function ARN. No sockets here, so each rule has a table test beside it.
import type { LambdaErrorPayload, StreamedResult } from '../types.js';
import { preludeOf } from '../prelude.js';

/**
 * An /error or /init/error body as AWS accepts it: "any JSON" (§3.10). The Node RIC sends
 * {errorType, errorMessage, trace}; AWS's doc example and most custom runtimes send
 * `stackTrace`. A body that is not an error object keeps its text as the message so nothing the
 * runtime said is lost. The header wins only when the body names no type (RIE records the
 * header; direct callers see the body).
 */
export function parseErrorBody(body: Buffer, headerType: string | undefined): LambdaErrorPayload {
  const fallbackType = headerType && headerType.length > 0 ? headerType : 'Runtime.Unknown';
  const text = body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.length ? JSON.parse(text) : undefined;
  } catch {
    return { errorType: fallbackType, errorMessage: text };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { errorType: fallbackType, errorMessage: parsed === undefined ? '' : typeof parsed === 'string' ? parsed : text };
  }
  const o = parsed as Record<string, unknown>;
  const out: LambdaErrorPayload = {
    errorType: typeof o.errorType === 'string' && o.errorType ? o.errorType : fallbackType,
    errorMessage: typeof o.errorMessage === 'string' ? o.errorMessage : o.errorMessage === undefined ? '' : JSON.stringify(o.errorMessage),
  };
  const trace = Array.isArray(o.trace) ? o.trace : Array.isArray(o.stackTrace) ? o.stackTrace : undefined;
  if (trace) out.trace = trace.map((l) => String(l));
  return out;
}

const NUL8 = Buffer.alloc(8);

/**
 * Splits the `HttpResponseStream.from` prelude (JSON, then 8 NUL bytes, before the first body
 * byte; §3.11, RIC HttpResponseStream.js) from the body. Chunk boundaries are arbitrary, so bytes
 * are buffered until the separator is seen.
 */
export async function splitStreamingPrelude(source: AsyncIterable<Uint8Array>): Promise<StreamedResult> {
  const it = source[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  for (;;) {
    const at = buf.indexOf(NUL8);
    if (at >= 0) {
      const prelude = parsePrelude(buf.subarray(0, at));
      const rest = buf.subarray(at + 8);
      return { prelude, body: prepend(rest, it) };
    }
    const { value, done } = await it.next();
    if (done) throw new Error('streaming response ended before the HTTP prelude separator (8 NUL bytes)');
    buf = Buffer.concat([buf, Buffer.from(value)]);
  }
}

function parsePrelude(bytes: Buffer): NonNullable<StreamedResult['prelude']> {
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`the HTTP prelude of a streaming response is not JSON: ${bytes.subarray(0, 200).toString('utf8')}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('the HTTP prelude of a streaming response must be a JSON object');
  return preludeOf(v as Record<string, unknown>);
}

async function* prepend(first: Buffer, rest: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (first.length) yield first;
  for (;;) {
    const { value, done } = await rest.next();
    if (done) return;
    yield value;
  }
}

/**
 * Lambda-Runtime-Trace-Id is X-Ray shaped (`Root=1-<8 hex>-<24 hex>;Parent=<16 hex>;Sampled=<0|1>`,
 * §3.10). The invoker hands a W3C traceparent or a bare trace id; both map losslessly.
 */
export function toXrayTraceId(trace: string | undefined): string | undefined {
  if (!trace) return undefined;
  const t = trace.trim();
  if (/(^|;)\s*Root=/.test(t)) return t;
  const w3c = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/i.exec(t);
  if (w3c) {
    const id = w3c[1]!.toLowerCase();
    const sampled = parseInt(w3c[3]!, 16) & 1;
    return `Root=1-${id.slice(0, 8)}-${id.slice(8)};Parent=${w3c[2]!.toLowerCase()};Sampled=${sampled}`;
  }
  if (/^[0-9a-f]{32}$/i.test(t)) {
    const id = t.toLowerCase();
    return `Root=1-${id.slice(0, 8)}-${id.slice(8)}`;
  }
  return undefined;
}

/** RIE's invoked ARN shape (§2.2); the account is RIE's placeholder unless configured. */
export function functionArn(name: string, env: Record<string, string | undefined>): string {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  const account = env.AWS_ACCOUNT_ID || '012345678912';
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

/** JSON text for a context header, or undefined when there is nothing to send. */
export function contextHeader(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const t = value.trim();
    if (!t) return undefined;
    // The Invoke API's X-Amz-Client-Context is base64 JSON; the runtime gets the JSON (RIE).
    return t.startsWith('{') ? t : Buffer.from(t, 'base64').toString('utf8');
  }
  return JSON.stringify(value);
}
