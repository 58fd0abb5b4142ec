// Serves a LambdaInvoker through the real invoker (invoker/server.ts) on a real loopback port:
// the Invoke API routes plus a raw front door (the body is the event, the result is the JSON
// answer), so custom-runtime tests run over HTTP exactly as a deployed function is reached.
import { createInvoker } from '../../../invoker/server.js';
import { DEFAULT_SETTINGS } from '../../../invoker/config.js';
import type { Runtime } from '../../../runtimes/types.js';
import type { LambdaInvoker } from '../../../runtimes/lambda/types.js';
import { invokeApiRoutes } from '../../../runtimes/lambda/invoke-api.js';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveInvoker(invoker: LambdaInvoker, opts: { name: string; timeout: number; bodyLimit?: number }): Promise<Served> {
  const runtime: Runtime = {
    name: 'lambda-custom-test',
    init: () => invoker.init(),
    async invoke(req, ctx) {
      const event = req.body?.length ? JSON.parse(req.body.toString('utf8')) : {};
      const o = await invoker.invoke({ event, requestId: ctx.requestId, deadline: ctx.deadline, signal: ctx.signal, traceId: ctx.traceId });
      if (!o.ok) return { kind: 'response', status: 502, headers: { 'content-type': 'application/json', 'x-outcome': o.kind }, body: JSON.stringify(o.error) };
      if ('stream' in o) return { kind: 'response', status: o.stream.prelude?.statusCode ?? 200, headers: o.stream.prelude?.headers ?? {}, body: o.stream.body };
      return { kind: 'response', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(o.result ?? null) };
    },
    shutdown: () => invoker.shutdown(),
    routes: invokeApiRoutes(invoker, { name: opts.name, timeout: opts.timeout }),
  };
  const inv = createInvoker({
    runtime,
    settings: { ...DEFAULT_SETTINGS, host: '127.0.0.1', logLevel: 'silent', timeoutMs: (opts.timeout + 5) * 1000, bodyLimit: opts.bodyLimit ?? DEFAULT_SETTINGS.bodyLimit, graceMs: 2000 },
  });
  await inv.start();
  const url = await inv.listen(0, '127.0.0.1');
  return { url, close: () => inv.drain(2000) };
}

/** POSTs to the Invoke API the way RIE-based tests do (curl -d ... /2015-03-31/functions/function/invocations). */
export async function invokeApi(url: string, payload: unknown, headers: Record<string, string> = {}, name = 'function') {
  const res = await fetch(`${url}/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, {
    method: 'POST',
    headers,
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as any };
}
