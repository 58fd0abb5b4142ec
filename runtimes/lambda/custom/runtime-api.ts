// The Lambda Runtime API (2018-06-01) on loopback, for ONE runtime process: a `bootstrap` pulls
// events with a long-polling GET /next and posts the outcome to /response or /error
// (lambda.md §3.10; AWS runtimes-api.html; status codes and bodies as RIE's
// internal/lambda/rapi/handler/*.go render them). One server per bootstrap process, so a
// restarted process never sees a stale invocation of its predecessor.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LambdaErrorPayload, StreamedResult } from '../types.js';
import { parseErrorBody, splitStreamingPrelude } from './runtime-api-wire.js';

const PREFIX = '/2018-06-01';
/** RIE interop/model.go: MaxPayloadSize = 6 MiB + 100 bytes. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;

/** One invocation as the runtime receives it on GET /next. */
export interface RuntimeInvocation {
  requestId: string;
  /** The event bytes, usually JSON. */
  body: Buffer;
  deadline: number;
  functionArn: string;
  /** X-Ray format (Root=1-...;Parent=...;Sampled=1). */
  traceId?: string;
  /** JSON text. */
  clientContext?: string;
  /** JSON text {"cognitoIdentityId","cognitoIdentityPoolId"}. */
  identity?: string;
}

/** What the runtime said about the current invocation or its init. */
export type RuntimeReport =
  | { kind: 'response'; requestId: string; body: Buffer; contentType: string | undefined }
  | { kind: 'stream'; requestId: string; stream: StreamedResult }
  | { kind: 'error'; requestId: string; error: LambdaErrorPayload }
  | { kind: 'init-error'; error: LambdaErrorPayload };

export interface RuntimeApiOptions {
  /** The runtime called /next for the first time: init is over (AWS ends the init phase there). */
  onReady(): void;
  /** An outcome for the delivered invocation, or an init error. */
  onReport(report: RuntimeReport): void;
  maxResponseBytes?: number;
}

type Held = { res: ServerResponse };

export class RuntimeApiServer {
  private readonly server: Server;
  private readonly opts: RuntimeApiOptions;
  private readonly limit: number;
  private initialized = false;
  /** The /next long poll waiting for an event. */
  private held: Held | undefined;
  /** Offered but not yet pulled by /next. */
  private queued: RuntimeInvocation | undefined;
  /** Pulled by /next, not yet answered. */
  private current: RuntimeInvocation | undefined;
  private address = '';
  private closing = false;

  constructor(opts: RuntimeApiOptions) {
    this.opts = opts;
    this.limit = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.server = createServer((req, res) => this.route(req, res));
    // /next is a long poll with no client timeout (§3.10): never time the exchange out.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listens on an ephemeral loopback port; returns host:port, the AWS_LAMBDA_RUNTIME_API value. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  get runtimeApi(): string {
    return this.address;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** A /next long poll is waiting for an event. */
  get isWaiting(): boolean {
    return this.held !== undefined;
  }

  /** Hands an invocation to the runtime (now if /next is waiting, else on its next /next). */
  offer(inv: RuntimeInvocation): void {
    if (this.queued || this.current) throw new Error('runtime API: one invocation at a time');
    this.queued = inv;
    this.deliver();
  }

  /** Forgets the current invocation (timed out): a late /response for it gets 400. */
  abandon(requestId: string): void {
    if (this.current?.requestId === requestId) this.current = undefined;
    if (this.queued?.requestId === requestId) this.queued = undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    // §3.10: 500 is "container error, the runtime should exit": a waiting /next learns it now.
    if (this.held) {
      sendJson(this.held.res, 500, CONTAINER_ERROR);
      this.held = undefined;
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private deliver(): void {
    if (!this.held || !this.queued) return;
    const inv = this.queued;
    const { res } = this.held;
    // A long poll whose connection already went away cannot carry the event: wait for the next.
    if (res.destroyed || res.writableEnded) {
      this.held = undefined;
      return;
    }
    this.held = undefined;
    this.queued = undefined;
    this.current = inv;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': inv.requestId,
      'lambda-runtime-deadline-ms': String(inv.deadline),
      'lambda-runtime-invoked-function-arn': inv.functionArn,
    };
    // Optional headers are omitted when empty (§3.10), never sent blank.
    if (inv.traceId) headers['lambda-runtime-trace-id'] = inv.traceId;
    if (inv.clientContext) headers['lambda-runtime-client-context'] = inv.clientContext;
    if (inv.identity) headers['lambda-runtime-cognito-identity'] = inv.identity;
    headers['content-length'] = String(inv.body.length);
    res.writeHead(200, headers);
    res.end(inv.body);
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (this.closing) {
      req.resume();
      return sendJson(res, 500, CONTAINER_ERROR);
    }
    const path = (req.url ?? '').split('?')[0]!;
    if (path === `${PREFIX}/ping` && req.method === 'GET') return void send(res, 200, 'pong', 'text/plain');
    if (path === `${PREFIX}/runtime/invocation/next`) {
      if (req.method !== 'GET') return methodNotAllowed(res);
      return this.next(req, res);
    }
    if (path === `${PREFIX}/runtime/init/error`) {
      if (req.method !== 'POST') return methodNotAllowed(res);
      return void this.initError(req, res);
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (m) {
      if (req.method !== 'POST') return methodNotAllowed(res);
      const id = decodeURIComponent(m[1]!);
      return void (m[2] === 'response' ? this.response(id, req, res) : this.error(id, req, res));
    }
    sendJson(res, 404, { errorType: 'NotFound', errorMessage: `no Runtime API route ${req.method} ${path}` });
  }

  private next(req: IncomingMessage, res: ServerResponse): void {
    // RIE answers 403 InvalidStateTransition when /next comes while an invocation is still open.
    if (this.current || this.held) {
      return sendJson(res, 403, {
        errorType: 'InvalidStateTransition',
        errorMessage: this.current
          ? `/next called while invocation ${this.current.requestId} is still open: post its /response or /error first`
          : '/next called while another /next is already waiting',
      });
    }
    req.resume();
    this.held = { res };
    res.on('close', () => {
      if (this.held?.res === res) this.held = undefined;
    });
    if (!this.initialized) {
      this.initialized = true;
      this.opts.onReady();
    }
    this.deliver();
  }

  private async response(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.current || this.current.requestId !== id) return invalidRequestId(req, res);
    const mode = req.headers['lambda-runtime-function-response-mode'];
    if (mode !== undefined && mode !== 'streaming') {
      req.resume();
      return sendJson(res, 400, {
        errorType: 'InvalidFunctionResponseMode',
        errorMessage: `Lambda-Runtime-Function-Response-Mode must be "streaming", got "${String(mode)}"`,
      });
    }
    if (mode === 'streaming') return this.streamingResponse(id, req, res);
    const body = await readLimited(req, this.limit);
    if (this.current?.requestId !== id) return sendJson(res, 400, INVALID_ID);
    this.current = undefined;
    if (body === 'too-large') {
      sendJson(res, 413, {
        errorMessage: `Exceeded maximum allowed payload size (${this.limit} bytes).`,
        errorType: 'RequestEntityTooLarge',
      });
      return this.opts.onReport({
        kind: 'error',
        requestId: id,
        error: {
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size exceeded maximum allowed payload size (${this.limit} bytes).`,
        },
      });
    }
    sendJson(res, 202, { status: 'OK' });
    this.opts.onReport({ kind: 'response', requestId: id, body, contentType: req.headers['content-type'] });
  }

  /** §3.11: chunked body, optional HTTP prelude + 8 NULs, errors in trailers. */
  private streamingResponse(id: string, req: IncomingMessage, res: ServerResponse): void {
    this.current = undefined;
    const isHttp = req.headers['content-type'] === 'application/vnd.awslambda.http-integration-response';
    const opts = this.opts;
    const chunks = async function* (): AsyncGenerator<Uint8Array> {
      for await (const chunk of req) yield chunk as Buffer;
      const errType = req.trailers['lambda-runtime-function-error-type'];
      if (errType) {
        const raw = req.trailers['lambda-runtime-function-error-body'];
        const err = raw ? parseErrorBody(Buffer.from(raw, 'base64'), errType) : { errorType: errType, errorMessage: errType };
        throw Object.assign(new Error(err.errorMessage), { lambdaError: err });
      }
    };
    req.on('end', () => sendJson(res, 202, { status: 'OK' }));
    req.on('error', () => res.destroy());
    void (async () => {
      const stream = isHttp ? await splitStreamingPrelude(chunks()) : { body: chunks() };
      opts.onReport({ kind: 'stream', requestId: id, stream });
    })().catch((err: unknown) => {
      opts.onReport({
        kind: 'error',
        requestId: id,
        error: { errorType: 'Runtime.InvalidStreamingOperation', errorMessage: String((err as Error)?.message ?? err) },
      });
    });
  }

  private async error(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.current || this.current.requestId !== id) return invalidRequestId(req, res);
    const body = await readLimited(req, this.limit);
    if (this.current?.requestId !== id) return sendJson(res, 400, INVALID_ID);
    this.current = undefined;
    const headerType = header(req, 'lambda-runtime-function-error-type');
    const error =
      body === 'too-large'
        ? { errorType: headerType ?? 'Function.Unknown', errorMessage: 'error body too large' }
        : parseErrorBody(body, headerType);
    sendJson(res, 202, { status: 'OK' });
    this.opts.onReport({ kind: 'error', requestId: id, error });
  }

  private async initError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readLimited(req, this.limit);
    // §3.10: /init/error after init is over is a state error (403).
    if (this.initialized) {
      return sendJson(res, 403, {
        errorType: 'InvalidStateTransition',
        errorMessage: '/init/error called after the runtime already asked for an invocation',
      });
    }
    const headerType = header(req, 'lambda-runtime-function-error-type');
    const error =
      body === 'too-large' ? { errorType: headerType ?? 'Runtime.Unknown', errorMessage: 'init error body too large' } : parseErrorBody(body, headerType);
    sendJson(res, 202, { status: 'OK' });
    this.opts.onReport({ kind: 'init-error', error });
  }
}

const CONTAINER_ERROR = { errorType: 'Runtime.ContainerError', errorMessage: 'the function is shutting down; the runtime should exit' };
const INVALID_ID = { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' };

function invalidRequestId(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendJson(res, 400, INVALID_ID);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function methodNotAllowed(res: ServerResponse): void {
  sendJson(res, 405, { errorType: 'MethodNotAllowed', errorMessage: 'method not allowed on this Runtime API route' });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Reads the body; stops buffering past `limit` but drains the rest so the runtime gets its 413. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      if (!over) chunks.push(c);
    });
    req.on('end', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', () => resolve(over ? 'too-large' : Buffer.concat(chunks)));
  });
}
