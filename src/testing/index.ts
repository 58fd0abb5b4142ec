// `fnkit/testing`: call a handler module in-process, no port. It builds the same invoker as
// production and drives it with fastify's inject, so decoding, errors, CloudEvent parsing and
// replies behave exactly as they do behind a socket.
import { createInvoker, type Invoker } from '../../invoker/server.js';
import { readSettings, type InvokerSettings } from '../../invoker/config.js';
import { nodeRuntime } from '../../runtimes/node/index.js';
import type { Runtime } from '../../runtimes/types.js';

export interface TestRequest {
  method?: string;
  /** Path with an optional query string; default "/". */
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON; a string as text/plain; bytes as application/octet-stream. */
  body?: unknown;
}

export interface TestEvent {
  id?: string;
  type: string;
  source: string;
  specversion?: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  data?: unknown;
  [extension: string]: unknown;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body decoded like a client would: JSON → value, text → string, else Buffer, empty → undefined. */
  body: unknown;
  rawBody: Buffer;
  text: string;
  /** The reply CloudEvent, when the answer carried one (binary or structured). */
  event?: Record<string, unknown>;
}

export interface TestClient {
  request(req?: TestRequest): Promise<TestResponse>;
  /** Sends a CloudEvent (binary mode by default) and returns the answer with the reply event. */
  event(ev: TestEvent, opts?: { mode?: 'binary' | 'structured'; path?: string; headers?: Record<string, string> }): Promise<TestResponse>;
  /** Runs the module's shutdown(). */
  close(): Promise<void>;
  readonly invoker: Invoker;
}

export interface TestOptions {
  settings?: Partial<InvokerSettings>;
  env?: Record<string, string>;
}

/** Wraps a handler module (`import * as mod from './index.js'`) or a ready Runtime; runs init(). */
export async function testFunction(target: Record<string, unknown> | Runtime, opts: TestOptions = {}): Promise<TestClient> {
  const runtime = isRuntime(target) ? target : nodeRuntime(target, { dev: true });
  const settings = readSettings(opts.env ?? {}, { logLevel: 'silent', dev: true, ...opts.settings });
  const invoker = createInvoker({ runtime, settings });
  await invoker.start();
  await invoker.app.ready();
  const client: TestClient = {
    invoker,
    async request(req = {}) {
      const headers: Record<string, string> = { ...lower(req.headers) };
      const payload = encodeRequestBody(req.body, headers);
      const res = await invoker.inject({
        method: (req.method ?? (req.body === undefined ? 'GET' : 'POST')) as never,
        url: req.path ?? '/',
        query: req.query as never,
        headers,
        payload,
      });
      return toTestResponse(res.statusCode, res.headers as TestResponse['headers'], res.rawPayload);
    },
    async event(ev, o = {}) {
      const { data, ...attrs } = ev;
      const full: Record<string, unknown> = { specversion: '1.0', id: `test-${Math.random().toString(36).slice(2)}`, ...attrs };
      const headers: Record<string, string> = { ...lower(o.headers) };
      let payload: string | Buffer | undefined;
      if (o.mode === 'structured') {
        headers['content-type'] = 'application/cloudevents+json; charset=utf-8';
        const doc: Record<string, unknown> = { ...full };
        if (data instanceof Uint8Array) doc.data_base64 = Buffer.from(data).toString('base64');
        else if (data !== undefined) doc.data = data;
        payload = JSON.stringify(doc);
      } else {
        for (const [k, v] of Object.entries(full)) {
          if (k === 'datacontenttype' || v === undefined) continue;
          headers['ce-' + k] = encodeURIComponent(String(v)).replace(/%2F/g, '/').replace(/%3A/g, ':');
        }
        if (data !== undefined) {
          payload = encodeRequestBody(data, headers);
          if (typeof full.datacontenttype === 'string') headers['content-type'] = full.datacontenttype;
        } else if (typeof full.datacontenttype === 'string') headers['content-type'] = full.datacontenttype;
      }
      const res = await invoker.inject({ method: 'POST', url: o.path ?? '/', headers, payload });
      return toTestResponse(res.statusCode, res.headers as TestResponse['headers'], res.rawPayload);
    },
    async close() {
      await invoker.app.close();
      await runtime.shutdown();
    },
  };
  return client;
}

function isRuntime(v: unknown): v is Runtime {
  const r = v as Runtime;
  return typeof r?.invoke === 'function' && typeof r?.init === 'function' && typeof r?.name === 'string';
}

function lower(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function encodeRequestBody(body: unknown, headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') { headers['content-type'] ??= 'text/plain; charset=utf-8'; return body; }
  if (body instanceof Uint8Array) { headers['content-type'] ??= 'application/octet-stream'; return Buffer.from(body); }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(body);
}

function toTestResponse(status: number, headers: TestResponse['headers'], raw: Buffer): TestResponse {
  const ct = String(headers['content-type'] ?? '').toLowerCase();
  const text = raw.toString('utf8');
  let body: unknown = undefined;
  if (raw.length) {
    if (/[/+]json/.test(ct)) { try { body = JSON.parse(text); } catch { body = text; } }
    else if (ct.startsWith('text/') || ct === '') body = ct === '' ? raw : text;
    else body = raw;
  }
  let event: Record<string, unknown> | undefined;
  if (ct.startsWith('application/cloudevents+json')) event = body as Record<string, unknown>;
  else if (headers['ce-specversion'] !== undefined) {
    event = {};
    for (const [k, v] of Object.entries(headers)) if (k.startsWith('ce-') && typeof v === 'string') event[k.slice(3)] = decodeURIComponent(v);
    if (headers['content-type']) event.datacontenttype = headers['content-type'];
    if (raw.length) event.data = body;
  }
  return { status, headers, body, rawBody: raw, text, event };
}
