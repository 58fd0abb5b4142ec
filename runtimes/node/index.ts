// The node runtime: one ES module (bundled in by esbuild as `import * as mod`) with a default
// export, a named `handler`, or a web-standard fetch app. See load.ts for what is looked for.
import type { InvocationContext, Runtime, RuntimeRequest, RuntimeResult } from '../types.js';
import { loadModule } from './load.js';
import { decodeBody, HandlerRequest } from './request.js';
import { toResult } from './response.js';
import { callFetch } from './fetch-app.js';
import type { Context } from './public.js';

export { loadModule } from './load.js';
export { decodeBody, parseQuery, HandlerRequest } from './request.js';
export { toResult, isExplicitResponse } from './response.js';

function bodyFor(req: RuntimeRequest): unknown {
  const ev = req.cloudEvent;
  if (ev !== undefined) return Array.isArray(ev) ? ev.map((e) => e.data) : ev.data;
  if (req.stream) return undefined;
  const ct = req.headers['content-type'];
  return decodeBody(req.body, Array.isArray(ct) ? ct[0] : ct);
}

/** The handler's Context: a class so `signal` stays a prototype getter (no closure per request). */
class HandlerContext implements Context {
  readonly requestId: string;
  readonly log: Context['log'];
  readonly deadline: number;
  readonly traceId?: string;
  readonly cloudEvent?: Context['cloudEvent'];
  readonly service?: string;
  readonly revision?: string;
  readonly configuration?: string;
  constructor(req: RuntimeRequest, private readonly ctx: InvocationContext) {
    this.requestId = ctx.requestId;
    this.log = ctx.log;
    this.deadline = ctx.deadline;
    this.traceId = ctx.traceId;
    this.cloudEvent = req.cloudEvent;
    this.service = ctx.knative?.service;
    this.revision = ctx.knative?.revision;
    this.configuration = ctx.knative?.configuration;
  }
  get signal(): AbortSignal {
    return this.ctx.signal;
  }
}

/** Declared `async` (or an async generator): its body may go on after the call returns. */
function isAsyncFunction(f: Function): boolean {
  const name = f.constructor?.name;
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction';
}

export function nodeRuntime(mod: Record<string, unknown>, _opts: { dev?: boolean } = {}): Runtime {
  const m = loadModule(mod);
  const rt: Runtime = {
    name: 'node',
    async init() {
      if (m.init) await m.init();
    },
    async shutdown() {
      if (m.shutdown) await m.shutdown();
    },
    invoke: m.kind === 'fetch'
      ? (req, ctx) => callFetch(m.fetch!, req, ctx)
      : (req, ctx): RuntimeResult | Promise<RuntimeResult> => {
        // Not an async function: a sync handler's value is answered without a promise, and an
        // async one's promise is chained once (style.md habit 6). A throw propagates to the
        // invoker, which fails the request with it.
        const out = m.handler!(new HandlerRequest(req, bodyFor(req)), new HandlerContext(req, ctx));
        if (out !== null && typeof out === 'object' && typeof (out as PromiseLike<unknown>).then === 'function') {
          return (out as PromiseLike<unknown>).then(toResult) as Promise<RuntimeResult>;
        }
        return toResult(out);
      },
  };
  if (m.streamBody) rt.wantsStream = () => true;
  if (m.kind === 'handler' && !isAsyncFunction(m.handler!)) (rt as { syncHandler?: boolean }).syncHandler = true;
  return rt;
}
