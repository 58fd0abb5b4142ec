// Builds the fastify instance around one Runtime. It never listens by itself: invoker/main.ts
// (containers, `fn run`) and src/testing (inject) drive it. The request path is decided here
// once, at construction (style.md habit 6). fastify owns the server, its lifecycle (listen,
// close, idle-connection draining), the reserved routes under the prefix and the runtime's own
// routes. A request for the function (every other method and path) does not go through
// fastify's router, Request/Reply objects and hook chain: it is one catch-all route, so
// dispatch() hands it straight to serveRaw(), which does what that route did (request id, body
// limit, errors, 503 while closing) with ~3 µs less CPU per request (docs/invoker.md,
// "where the CPU goes"). A fastify route that falls through lands in the same serveRaw().
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ResultLater, Runtime, RuntimeRequest, RuntimeResult } from '../runtimes/types.js';
import type { InvokerSettings } from './config.js';
import { readBody } from './body.js';
import { Invocation, shutdownReason, timeoutReason, traceIdOf, type KnativeIdentity } from './context.js';
import { errorAnswer, HttpFailure } from './errors.js';
import { encodeBody, encodeValue, toReadable, type WireBody } from './encode.js';
import { RequestMetrics } from './metrics.js';
import { LazyLogger } from './lazy-logger.js';
import { looksLikeCloudEvent } from './cloudevents/detect.js';
import { SlotList, type Slotted } from './slot-list.js';

type CeModule = typeof import('./cloudevents/index.js');

export interface CreateInvokerOptions {
  runtime: Runtime;
  settings: InvokerSettings;
  /** A pino-compatible logger; default: fastify's pino on stdout at settings.logLevel. */
  logger?: FastifyBaseLogger;
}

export interface Invoker {
  readonly app: FastifyInstance;
  readonly settings: InvokerSettings;
  readonly metrics: RequestMetrics;
  readonly ready: boolean;
  readonly draining: boolean;
  /** runtime.init(), then readiness turns true. */
  start(): Promise<void>;
  /** Listens and resolves with the address (http://host:port). */
  listen(port: number, host: string): Promise<string>;
  /** Readiness 503, stop accepting, let in-flight requests finish up to graceMs, runtime.shutdown(). */
  drain(graceMs: number): Promise<void>;
  /** Fails the request whose async context threw (process-level handlers call this). */
  failFromAsync(err: unknown): boolean;
  /** An in-process request through the same path a socket's request takes (light-my-request). */
  inject(opts: import('light-my-request').InjectOptions): Promise<import('light-my-request').Response>;
}

/** One request on its way through the invoker. */
class Pending implements Slotted {
  done = false;
  /** Index in the in-flight list (slot-list.ts). */
  slot = -1;
  /** Called without async context tracking (a sync handler before it first went async). */
  untracked = false;
  /** The whole answer, waiting for the end of the event loop's turn (send()). */
  status = 0;
  headers: Record<string, string | string[] | number> | undefined = undefined;
  body: string | Buffer | undefined = undefined;
  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly log: FastifyBaseLogger,
    readonly inv: Invocation,
    readonly start: number,
    readonly rreq: RuntimeRequest,
  ) {}
}

type Call = (p: Pending) => RuntimeResult | Promise<RuntimeResult> | ResultLater;
const EMPTY = Buffer.alloc(0);
// fastify's defaults for the server it would have made itself (serverFactory skips them).
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

const JSON_CT = 'application/json; charset=utf-8';

export function createInvoker(opts: CreateInvokerOptions): Invoker {
  const { runtime, settings } = opts;
  const knative: KnativeIdentity = { service: settings.service, revision: settings.revision, configuration: settings.configuration };
  const base: Record<string, string> = {};
  if (settings.service) base.service = settings.service;
  if (settings.revision) base.revision = settings.revision;
  if (settings.configuration) base.configuration = settings.configuration;

  let viaFastify!: (req: IncomingMessage, res: ServerResponse) => void;
  const app = Fastify({
    serverFactory(handler) {
      viaFastify = handler as never;
      const server = createServer(dispatch);
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      server.requestTimeout = 0;
      return server;
    },
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: { level: settings.logLevel, base, messageKey: 'msg' } }),
    // No per-request log lines by default: at thousands of requests a second they would cost more
    // than the request. LOG_LEVEL=debug logs each completed request (see record()).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    requestIdHeader: 'x-request-id',
    genReqId: nextRequestId,
    return503OnClosing: true,
    // No route declares a schema (bodies are decoded by the runtime), so fastify need not load
    // ajv and fast-json-stringify at start: about 13 ms of cold start on Node 20.
    schemaController: {
      compilersFactory: {
        buildValidator: (() => () => () => true) as never,
        buildSerializer: (() => () => (data: unknown) => JSON.stringify(data)) as never,
      },
    },
    forceCloseConnections: 'idle',
    // Adds the W3C trace id to the request logger when a traceparent came (issue 2, logs).
    childLoggerFactory(logger, bindings, childOpts, rawReq) {
      return requestLogger(logger, bindings as Record<string, unknown>, traceIdOf((rawReq as IncomingMessage).headers.traceparent), childOpts as Record<string, unknown>);
    },
  }) as unknown as FastifyInstance;

  // Request ids: UUID-shaped, a random per-server prefix (the first 80 bits of a v4 UUID) and a
  // counter in the last 48. Unique across replicas without the cost of a UUID per request
  // (randomUUID was ~6% of the allocations on the hello path), and what Lambda handlers expect
  // as an awsRequestId, so the Lambda runtime can pass it through.
  const idPrefix = randomUUID().slice(0, 24);
  let idCounter = 0;
  function nextRequestId(): string {
    return idPrefix + (++idCounter).toString(16).padStart(12, '0');
  }
  const metrics = new RequestMetrics(knative);
  const als = new AsyncLocalStorage<Pending>();
  // Per request async context only when the runtime's user code could throw into this thread
  // unattributed (runtimes/types.ts attributesAsyncErrors).
  const trackContext = runtime.attributesAsyncErrors !== true;
  // A plain-function handler is called untracked until one of its requests outlives its call
  // (runtimes/types.ts syncHandler). At most one untracked request can then still be pending,
  // the one that went async: the switch happens as its call returns.
  let trackEvery = trackContext && runtime.syncHandler !== true;
  const inflight = new SlotList<Pending>();
  const perRequestDebug = settings.logLevel === 'debug' || settings.logLevel === 'trace';
  let ready = false;
  let draining = false;
  // Requests that arrive before init() finished (`fn run`, a probe-less client) wait for it
  // rather than reaching a handler whose init has not run.
  let resolveInit!: () => void;
  let rejectInit!: (e: unknown) => void;
  const initDone = new Promise<void>((res, rej) => { resolveInit = res; rejectInit = rej; });
  initDone.catch(() => {});
  let ce: CeModule | undefined;
  // Event sources the schema accepted, per invoker (cloudevents/valid-sources.ts).
  let ceSources: InstanceType<CeModule['ValidSources']> | undefined;
  const loadCe = async (): Promise<CeModule> => (ce ??= await import('./cloudevents/index.js'));

  // ---- reserved routes: <prefix>/health/*, <prefix>/metrics (GET/HEAD only; other methods reach the handler)
  const prefix = settings.reservedPrefix;
  app.route({ method: ['GET', 'HEAD'], url: `${prefix}/health/liveness`, handler: (_q, r) => { r.header('content-type', JSON_CT).send('{"status":"ok"}'); } });
  app.route({
    method: ['GET', 'HEAD'], url: `${prefix}/health/readiness`,
    handler: (_q, r) => {
      if (ready && !draining) r.header('content-type', JSON_CT).send('{"status":"ready"}');
      else r.code(503).header('content-type', JSON_CT).send(JSON.stringify({ status: draining ? 'draining' : 'starting' }));
    },
  });
  app.route({
    method: ['GET', 'HEAD'], url: `${prefix}/metrics`,
    handler: async (_q, r) => { const text = await metrics.text(); r.header('content-type', metrics.contentType).send(text); },
  });

  // ---- fastify's part of the request path: the reserved routes above, the runtime's routes,
  // and a catch-all for what falls through (e.g. GET on an Invoke API path). Bodies are read by
  // serveRaw, so fastify's parser leaves the stream untouched.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  app.setErrorHandler((err, request, reply) => {
    const ans = errorAnswer(toFailure(err), String(request.id), settings.dev);
    if (ans.severe) request.log.error({ err }, 'request failed');
    else request.log.info({ status: ans.status, msg2: (err as Error).message }, 'request refused');
    reply.code(ans.status).headers(ans.headers).send(ans.body);
  });

  // ---- runtime routes (e.g. the Lambda Invoke API), registered before the catch-all
  for (const route of runtime.routes ?? []) {
    app.route({
      method: route.method as never, url: route.url,
      handler: (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack();
        const params = request.params as Record<string, string>;
        serveRaw(request.raw, reply.raw, (p) => route.handler({ ...p.rreq, params }, p.inv));
      },
    });
  }
  app.route({
    method: app.supportedMethods as never, url: '*', exposeHeadRoute: false,
    handler: (request: FastifyRequest, reply: FastifyReply) => { reply.hijack(); serveRaw(request.raw, reply.raw); },
  });

  // What fastify must see: the reserved GET/HEAD paths and anything under a runtime route's
  // static prefix. Everything else is the function's.
  const reserved = new Set([`${prefix}/health/liveness`, `${prefix}/health/readiness`, `${prefix}/metrics`]);
  const routePrefixes = (runtime.routes ?? []).map((r) => staticPrefixOf(r.url));
  const wantsStream = runtime.wantsStream?.bind(runtime);

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req.url!);
    const m = req.method;
    if ((m === 'GET' || m === 'HEAD') && reserved.has(path)) return viaFastify(req, res);
    for (const rp of routePrefixes) if (path.startsWith(rp)) return viaFastify(req, res);
    serveRaw(req, res);
  }

  /** A request for the function: from dispatch(), or from a fastify route with `call`. */
  function serveRaw(req: IncomingMessage, res: ServerResponse, call?: Call): void {
    let p: Pending;
    try {
      p = begin(req, res);
    } catch (e) {
      // Only a bug can land here; the connection must still get an answer.
      app.log.error({ err: e }, 'could not start the request');
      res.writeHead(500, { 'content-type': JSON_CT }).end('{"error":"internal error"}');
      return;
    }
    if (draining) {
      // As fastify's return503OnClosing: a request on a kept-alive connection after close().
      send(p, 503, { 'content-type': JSON_CT, connection: 'close' }, JSON.stringify({ error: 'the function is shutting down', requestId: p.inv.requestId }));
      return;
    }
    if (!ready) {
      initDone.then(() => withBody(p, call), (e) => {
        send(p, 503, { 'content-type': JSON_CT }, JSON.stringify({ error: `the function failed to initialise: ${(e as Error).message}`, requestId: p.inv.requestId }));
      });
      return;
    }
    withBody(p, call);
  }

  function begin(req: IncomingMessage, res: ServerResponse): Pending {
    const headers = req.headers;
    // Knative's own headers are for the queue-proxy, not for the handler (knative-contract).
    if (headers['k-proxy-request'] !== undefined) delete headers['k-proxy-request'];
    if (headers['k-network-probe'] !== undefined) delete headers['k-network-probe'];
    const url = req.url!;
    const q = url.indexOf('?');
    const rreq: RuntimeRequest = {
      method: req.method!,
      path: q < 0 ? url : url.slice(0, q),
      url,
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      headers,
      rawHeaders: req.rawHeaders,
      body: undefined,
      // Present from the start, so every request object has one shape whatever the workload:
      // fields added later for some requests only make the hot paths polymorphic.
      stream: undefined,
      cloudEvent: undefined,
      cloudEventMode: undefined,
      remoteAddress: req.socket.remoteAddress ?? '',
      protocol: headers['x-forwarded-proto'] === 'https' ? 'https' : 'http',
      host: headers.host ?? '',
    };
    const given = headers['x-request-id'];
    const own = typeof given !== 'string' || given === '';
    const id = own ? nextRequestId() : given;
    const traceId = traceIdOf(headers.traceparent);
    const log = requestLogger(app.log, { requestId: id }, traceId, undefined);
    const inv = new Invocation(id, log, Date.now() + settings.timeoutMs, traceId, knative, res, own);
    const p = new Pending(req, res, log, inv, performance.now(), rreq);
    metrics.inFlight++;
    inflight.add(p);
    if (sweeper === undefined) sweeper = setInterval(sweep, sweepEvery).unref();
    return p;
  }

  /** Reads the body (or hands the stream over, when the runtime asks for it), then serves. */
  function withBody(p: Pending, call: Call | undefined): void {
    const headers = p.rreq.headers;
    const length = headers['content-length'] as string | undefined;
    if (length === undefined && headers['transfer-encoding'] === undefined) return serve(p, call);
    if (length === '0') { p.rreq.body = EMPTY; return serve(p, call); }
    const rreq = p.rreq;
    if (wantsStream && !looksLikeCloudEvent(headers) && wantsStream({ method: rreq.method, path: rreq.path, headers })) {
      rreq.stream = p.req;
      return serve(p, call);
    }
    readBody(p.req, settings.bodyLimit, length, (e, b) => {
      if (e) return fail(p, e);
      rreq.body = b;
      serve(p, call);
    });
  }

  function serve(p: Pending, call: Call | undefined): void {
    if (call) return run(p, call);
    const rreq = p.rreq;
    const headers = rreq.headers;
    // CloudEvents webhook abuse protection (http-webhook.md §4; specs/cloudevents.md §2.5).
    if (rreq.method === 'OPTIONS' && headers['webhook-request-origin'] !== undefined) {
      send(p, 200, { allow: 'POST, OPTIONS', 'webhook-allowed-origin': '*', 'webhook-allowed-rate': '*' }, undefined);
      return;
    }
    if (looksLikeCloudEvent(headers)) {
      // Synchronous once the CloudEvents module is loaded: no promise or tick per event.
      if (ce) serveEvent(p, ce);
      else loadCe().then((m) => serveEvent(p, m), (e) => fail(p, e));
      return;
    }
    run(p, invokeRuntime);
  }

  function serveEvent(p: Pending, m: CeModule): void {
    let parsed;
    try {
      parsed = m.parseCloudEvent(p.rreq.headers, p.rreq.body, settings.ceLenientHeaders, ceSources ??= new m.ValidSources());
    } catch (e) {
      fail(p, e);
      return;
    }
    p.rreq.cloudEvent = parsed.event;
    p.rreq.cloudEventMode = parsed.mode;
    run(p, invokeRuntime);
  }

  function invokeRuntime(p: Pending): RuntimeResult | Promise<RuntimeResult> | ResultLater {
    return runtime.invoke(p.rreq, p.inv);
  }

  function run(p: Pending, call: Call): void {
    let r: RuntimeResult | Promise<RuntimeResult> | ResultLater;
    try {
      if (trackEvery) r = als.run(p, call, p);
      else {
        p.untracked = trackContext;
        r = call(p);
      }
    } catch (e) {
      fail(p, e);
      return;
    }
    if (typeof (r as ResultLater).then === 'function') {
      if (p.untracked) trackEvery = true;
      // One reaction per request: deliver() reports its own failures.
      (r as ResultLater).then((v) => deliverOrFail(p, v), (e) => fail(p, e));
    } else {
      // The handler is done with it: what may still be pending is the invoker's own delivery
      // (loading the CloudEvents module), which no error of the handler's can belong to.
      p.untracked = false;
      deliverOrFail(p, r as RuntimeResult);
    }
  }

  function deliverOrFail(p: Pending, r: RuntimeResult): void {
    try {
      const d = deliver(p, r);
      if (d !== undefined) d.catch((e) => fail(p, e));
    } catch (e) {
      fail(p, e);
    }
  }

  function deliver(p: Pending, result: RuntimeResult): void | Promise<void> {
    if (p.done) return;
    if (result.kind === 'response') {
      const b = result.body;
      let body: WireBody;
      if (b === undefined || b === null || typeof b === 'string' || Buffer.isBuffer(b)) body = b ?? undefined;
      else body = toReadable(b) ?? encodeBody(b).body;
      send(p, result.status, result.headers as Record<string, string | string[]>, body);
      return;
    }
    const v = result.value;
    if (p.rreq.cloudEvent !== undefined) return replyEvent(p, v);
    if (v !== null && typeof v === 'object' && typeof (v as { specversion?: unknown }).specversion === 'string' && typeof (v as { type?: unknown }).type === 'string') {
      // A CloudEvent returned to a plain HTTP request still goes out as an event.
      return loadCe().then((m) => {
        if (!m.isEventLike(v)) { const e = encodeValue(v); send(p, e.status, e.headers, e.body); return; }
        const w = settings.ceReplyMode === 'structured' ? m.toStructured(v) : m.toBinary(v);
        send(p, w.status, w.headers, w.body);
      });
    }
    const e = encodeValue(v);
    send(p, e.status, e.headers, e.body);
  }

  /** Knative brokers: 202 and no body means "no reply"; anything else must be an event. */
  function replyEvent(p: Pending, v: unknown): void | Promise<void> {
    if (v === undefined) { send(p, 202, {}, undefined); return; }
    if (!ce) return loadCe().then((m) => encodeReply(p, v, m));
    encodeReply(p, v, ce);
  }

  function encodeReply(p: Pending, v: unknown, m: CeModule): void {
    const mode = settings.ceReplyMode === 'request' ? p.rreq.cloudEventMode! : settings.ceReplyMode;
    const asEvent = (x: unknown): Record<string, unknown> => (m.isEventLike(x) ? x : m.replyEventFor(x, settings.ceReplyType, settings.ceReplySource));
    let w;
    if (mode === 'batch') w = m.toBatch(Array.isArray(v) && v.every(m.isEventLike) ? v : [asEvent(v)]);
    else if (mode === 'structured') w = m.toStructured(asEvent(v));
    else if (m.isEventLike(v)) w = m.toBinary(v);
    else w = m.binaryReplyFor(v, settings.ceReplyType, settings.ceReplySource);
    send(p, w.status, w.headers, w.body);
  }

  function send(p: Pending, status: number, headers: Record<string, string | string[] | undefined>, body: WireBody): void {
    if (p.done) return;
    finish(p);
    if (body instanceof Readable) return sendStream(p, status, headers, body);
    // Whole bodies go to the socket in one writeHead + end: the answer is final and encoded.
    const out: Record<string, string | string[] | number> = {};
    for (const k in headers) { const v = headers[k]; if (v !== undefined) out[k] = v; }
    if (body === undefined || status === 204 || status === 304) {
      if (status !== 204 && status !== 304) out['content-length'] = 0;
      body = undefined;
    } else {
      if (out['content-type'] === undefined) out['content-type'] = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
      out['content-length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    }
    p.status = status;
    p.headers = out;
    p.body = body;
    // Written at the end of this turn of the event loop, with every other answer made in it,
    // not between reading one request and the next: the client side then gets its answers in a
    // burst instead of being woken for each one, which made every response's write cost several
    // µs more (docs/invoker.md, "Answers at the end of the turn").
    if (replies.push(p) === 1) setImmediate(writeReplies);
  }

  let replies: Pending[] = [];
  function writeReplies(): void {
    const q = replies;
    replies = [];
    for (const p of q) writeReply(p);
  }

  function writeReply(p: Pending): void {
    const res = p.res;
    try {
      res.writeHead(p.status, p.headers);
      if (p.body === undefined) res.end();
      else res.end(p.body);
      record(p, p.status);
    } catch (err) {
      // A header HTTP cannot carry (a newline, a character outside Latin-1), from the handler.
      p.log.error({ err }, 'the answer could not be written');
      if (res.headersSent) { res.destroy(err as Error); return; }
      const ans = errorAnswer(toFailure(err), p.inv.requestId, settings.dev);
      for (const k of res.getHeaderNames()) res.removeHeader(k);
      res.writeHead(ans.status, { ...ans.headers, 'content-length': Buffer.byteLength(ans.body) });
      res.end(ans.body);
      record(p, ans.status);
    }
  }

  /**
   * A streamed body, chunk by chunk as the source yields (SSE needs each event flushed). The
   * headers go out with the first chunk, so a source that fails before it still gets a whole
   * error answer; after it, the connection is cut, the only signal HTTP/1.1 has left.
   */
  function sendStream(p: Pending, status: number, headers: Record<string, string | string[] | undefined>, body: Readable): void {
    // A streamed answer's source runs on after the handler returned: from now on, track.
    if (trackContext) trackEvery = true;
    const res = p.res;
    res.statusCode = status;
    for (const k in headers) { const v = headers[k]; if (v !== undefined) res.setHeader(k, v); }
    let answered = status;
    res.once('close', () => {
      // A client that went away stops the source (an SSE generator's finally runs).
      if (!body.destroyed && !res.writableFinished) body.destroy();
      record(p, answered);
    });
    body.once('error', (err) => {
      p.log.error({ err }, 'response stream failed');
      body.unpipe(res);
      if (res.headersSent) { res.destroy(err); return; }
      const ans = errorAnswer(err, p.inv.requestId, settings.dev);
      answered = ans.status;
      for (const k of res.getHeaderNames()) res.removeHeader(k);
      res.writeHead(ans.status, { ...ans.headers, 'content-length': Buffer.byteLength(ans.body) });
      res.end(ans.body);
    });
    body.pipe(res);
  }

  function loneUntracked(): Pending | undefined {
    let found: Pending | undefined;
    for (const q of inflight.snapshot()) {
      if (!q.untracked || q.done) continue;
      if (found) return undefined;
      found = q;
    }
    return found;
  }

  function finish(p: Pending): void {
    p.done = true;
    inflight.delete(p);
    metrics.inFlight--;
  }

  function record(p: Pending, status: number): void {
    const secs = (performance.now() - p.start) / 1000;
    metrics.record(p.rreq.method, status, secs);
    if (perRequestDebug) p.log.debug({ method: p.rreq.method, path: p.rreq.path, status, ms: Math.round(secs * 1e4) / 10 }, 'request completed');
  }

  function fail(p: Pending, err: unknown): void {
    if (p.done) {
      p.log.warn({ err }, 'error after the answer was sent');
      return;
    }
    const f = toFailure(err);
    const ans = errorAnswer(f, p.inv.requestId, settings.dev);
    if (ans.severe) p.log.error({ err }, 'handler failed');
    else p.log.info({ status: ans.status, reason: (f as Error)?.message }, 'request refused');
    send(p, ans.status, ans.headers, ans.body);
  }

  // One coarse timer per server instead of one per request: the deadline is checked every
  // ~1/20 of the timeout (10 ms to 1 s), which is precise enough for a 504 and free on the hot path.
  const sweepEvery = Math.min(1000, Math.max(10, Math.floor(settings.timeoutMs / 20)));
  let sweeper: NodeJS.Timeout | undefined;
  function sweep(): void {
    if (inflight.size === 0) { clearInterval(sweeper); sweeper = undefined; return; }
    const now = Date.now();
    for (const p of inflight.snapshot()) if (now >= p.inv.deadline) onTimeout(p);
  }

  function onTimeout(p: Pending): void {
    if (p.done) return;
    const reason = timeoutReason(settings.timeoutMs);
    fail(p, new HttpFailure(504, 'FN_ERR_TIMEOUT', reason.message, { hint: 'make the handler faster, or raise timeout in fn.yaml or FN_TIMEOUT' }));
    p.inv.abort(reason);
  }

  const invoker: Invoker = {
    app,
    settings,
    metrics,
    get ready() { return ready; },
    get draining() { return draining; },
    async start() {
      try {
        await runtime.init();
      } catch (e) {
        rejectInit(e);
        throw e;
      }
      ready = true;
      resolveInit();
      metrics.coldStartSeconds = process.uptime();
    },
    async listen(port, host) {
      return app.listen({ port, host });
    },
    async drain(graceMs) {
      draining = true;
      const closed = app.close();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((res) => { timer = setTimeout(res, graceMs, 'grace'); });
      const how = await Promise.race([closed.then(() => 'closed' as const), graceOver]);
      clearTimeout(timer);
      if (how === 'grace') {
        app.log.warn({ inFlight: inflight.size, graceMs }, 'grace period over; aborting in-flight requests');
        for (const p of inflight.snapshot()) p.inv.abort(shutdownReason());
        // Give aborted handlers a moment to answer, then drop what is left.
        await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
        app.server.closeAllConnections?.();
        await closed;
      }
      await runtime.shutdown();
    },
    async inject(o) {
      // light-my-request is fastify's own inject, pointed at dispatch() so an injected request
      // takes the production path; loaded only by tests.
      const lmr = (await import('light-my-request')).default;
      await app.ready();
      return lmr(dispatch as never, o);
    },
    failFromAsync(err) {
      let p = als.getStore();
      if (p === undefined && trackContext) {
        // From outside every tracked request: track them all from now on, and blame the one
        // untracked request still pending, if there is exactly one (the only one that can be
        // waiting on async work of its own). The ambiguity this accepts: any error from outside
        // every request (an answered request's leftover timer, init's or a library's background
        // work) fails that request while it is pending (docs/invoker.md "Errors").
        trackEvery = true;
        p = loneUntracked();
      }
      if (!p || p.done) return false;
      fail(p, err);
      return true;
    },
  };
  return invoker;
}

/** A request's logger (created on first use, lazy-logger.ts), with the W3C trace id when one came. */
function requestLogger(parent: FastifyBaseLogger, binds: Record<string, unknown>, traceId: string | undefined, opts: Record<string, unknown> | undefined): FastifyBaseLogger {
  if (traceId) binds.traceId = traceId;
  return new LazyLogger(parent as never, binds, opts) as unknown as FastifyBaseLogger;
}

/** The part of a find-my-way route before its first parameter or wildcard. */
function staticPrefixOf(url: string): string {
  const i = url.search(/[:*]/);
  return i < 0 ? url : url.slice(0, i);
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** fastify's own errors (bad content-length, parse failures) keep their status; the rest pass through. */
function toFailure(err: unknown): unknown {
  if (err instanceof HttpFailure) return err;
  const e = err as { code?: unknown; statusCode?: unknown; message?: string } | null;
  if (e && typeof e.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number') {
    return new HttpFailure(e.statusCode, e.code, e.message ?? 'bad request');
  }
  return err;
}
