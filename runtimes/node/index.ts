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

function contextFor(req: RuntimeRequest, ctx: InvocationContext): Context {
  return {
    requestId: ctx.requestId,
    log: ctx.log,
    get signal() { return ctx.signal; },
    deadline: ctx.deadline,
    traceId: ctx.traceId,
    cloudEvent: req.cloudEvent,
    service: ctx.knative?.service,
    revision: ctx.knative?.revision,
    configuration: ctx.knative?.configuration,
  };
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
      : async (req, ctx): Promise<RuntimeResult> => {
        const out = await m.handler!(new HandlerRequest(req, bodyFor(req)), contextFor(req, ctx));
        return toResult(out);
      },
  };
  if (m.streamBody) rt.wantsStream = () => true;
  return rt;
}
