// What users import as `fnkit` (the bundler aliases the bare specifier to this file): the handler
// types and small helpers. Nothing here is loaded unless the user imports it.
import type { Readable } from 'node:stream';
import type { CloudEvent } from 'cloudevents';
import type { Logger } from '../types.js';
import type { Query } from './request.js';

// The CloudEvent *type* only: a value re-export would bundle and evaluate the whole SDK (about
// 150 KB) in every function that imports anything from 'fnkit'. Build events with cloudEvent()
// below, or import the class from 'cloudevents' where it is really wanted.
export type { CloudEvent } from 'cloudevents';
export type { Logger } from '../types.js';

export interface Request<Body = unknown> {
  method: string;
  /** Path without the query string, percent-encoded as received. */
  path: string;
  /** Path plus query string. */
  url: string;
  query: Query;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** JSON → value, text/* and forms → string, other types → Buffer, empty → undefined. For a CloudEvent: its data. */
  body: Body;
  rawBody: Buffer | undefined;
  /** Only with `export const config = { body: 'stream' }`. */
  stream: Readable | undefined;
}

export interface Context {
  requestId: string;
  /** pino logger bound to this request (requestId, traceId). */
  log: Logger;
  /** Fires on timeout, client disconnect, or when shutdown's grace period is over. */
  signal: AbortSignal;
  /** Epoch ms after which the invoker answers 504. */
  deadline: number;
  traceId?: string;
  /** The incoming CloudEvent (an array for batch mode). */
  cloudEvent?: CloudEvent<unknown> | CloudEvent<unknown>[];
  /** K_SERVICE, K_REVISION, K_CONFIGURATION. */
  service?: string;
  revision?: string;
  configuration?: string;
}

/** Attributes of an event a handler returns; extensions are extra lower-case keys. */
export interface CloudEventInit {
  type: string;
  source: string;
  id?: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  [extension: string]: unknown;
}

/**
 * A CloudEvent to return from a handler (sent in the request's mode, or binary for plain HTTP
 * requests). `id` defaults to a random UUID, `specversion` is "1.0". No SDK is loaded.
 */
export function cloudEvent(init: CloudEventInit): Record<string, unknown> & { specversion: '1.0'; id: string; type: string; source: string } {
  return { ...init, specversion: '1.0', id: init.id ?? globalThis.crypto.randomUUID(), type: init.type, source: init.source };
}

export type Handler<Body = unknown, Result = unknown> = (request: Request<Body>, context: Context) => Result | Promise<Result>;

/** Throw it to answer with that status; the message is shown to the client. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  constructor(statusCode: number, message?: string, headers?: Record<string, string>) {
    super(message ?? `HTTP ${statusCode}`);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

export const RESPONSE = Symbol.for('fnkit.response');

export interface ExplicitResponse {
  [RESPONSE]: true;
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: unknown;
}

/** An explicit response: status, headers, and a body encoded like a returned value. */
export function response(body: unknown, init: { status?: number; headers?: Record<string, string | string[]> } = {}): ExplicitResponse {
  return { [RESPONSE]: true, statusCode: init.status ?? 200, headers: init.headers ?? {}, body };
}

export interface SseMessage {
  data: unknown;
  event?: string;
  id?: string;
  /** Reconnection time in ms. */
  retry?: number;
}

function sseFrame(m: SseMessage | string): string {
  const msg: SseMessage = typeof m === 'string' ? { data: m } : m;
  let out = '';
  if (msg.event !== undefined) out += `event: ${msg.event.replace(/[\r\n]/g, '')}\n`;
  if (msg.id !== undefined) out += `id: ${msg.id.replace(/[\r\n]/g, '')}\n`;
  if (msg.retry !== undefined) out += `retry: ${Math.floor(msg.retry)}\n`;
  const data = typeof msg.data === 'string' ? msg.data : JSON.stringify(msg.data);
  // WHATWG HTML §9.2.6: every line of the payload is its own "data:" field.
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

/**
 * Server-sent events: each message (a string, or { data, event, id, retry }) is written and
 * flushed as soon as the iterable yields it.
 */
export function sse(messages: AsyncIterable<SseMessage | string> | Iterable<SseMessage | string>, init: { headers?: Record<string, string> } = {}): ExplicitResponse {
  async function* frames(): AsyncGenerator<string> {
    for await (const m of messages as AsyncIterable<SseMessage | string>) yield sseFrame(m);
  }
  return response(frames(), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...init.headers },
  });
}
