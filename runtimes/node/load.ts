// Picks what to call from the user's module namespace: `export default` function, a named
// `handler`, or a web-standard fetch app (Hono's `export default app`, or `export function fetch`).
// Optional `init`/`shutdown` exports and `export const config = { body: 'stream' }`.
import { FnkitError } from '../../src/errors.js';

export type HandlerFn = (request: unknown, context: unknown) => unknown;
export type FetchFn = (request: Request, ...rest: unknown[]) => Response | Promise<Response>;

export interface LoadedModule {
  kind: 'handler' | 'fetch';
  handler?: HandlerFn;
  fetch?: FetchFn;
  init?: () => unknown;
  shutdown?: () => unknown;
  /** The handler asked for the raw body stream (config.body === 'stream'). */
  streamBody: boolean;
}

function describe(mod: Record<string, unknown>): string {
  const names = Object.keys(mod).map((k) => `${k} (${typeof mod[k]})`);
  return names.length ? names.join(', ') : 'nothing';
}

export function loadModule(mod: Record<string, unknown>): LoadedModule {
  const def = mod.default;
  const fn = (v: unknown): v is (...a: unknown[]) => unknown => typeof v === 'function';
  const hooks = {
    init: fn(mod.init) ? (mod.init as () => unknown) : undefined,
    shutdown: fn(mod.shutdown) ? (mod.shutdown as () => unknown) : undefined,
  };
  const config = mod.config as { body?: unknown } | undefined;
  if (config !== undefined && (config === null || typeof config !== 'object')) {
    throw new FnkitError('FN_ERR_HANDLER_CONFIG', `the handler's "config" export must be an object like { body: 'stream' }, got ${JSON.stringify(config)}`);
  }
  if (config?.body !== undefined && config.body !== 'stream' && config.body !== 'buffer') {
    throw new FnkitError('FN_ERR_HANDLER_CONFIG', `config.body must be 'stream' or 'buffer', got ${JSON.stringify(config.body)}`, {
      hint: "export const config = { body: 'stream' } to read the request body as a stream",
    });
  }
  const streamBody = config?.body === 'stream';
  // A fetch app first: Hono's app is also callable-looking in some versions, but fetch is the contract.
  if (def !== null && typeof def === 'object' && fn((def as { fetch?: unknown }).fetch)) {
    const app = def as { fetch: FetchFn };
    return { kind: 'fetch', fetch: (r, ...rest) => app.fetch(r, ...rest), streamBody: false, ...hooks };
  }
  if (fn(def)) return { kind: 'handler', handler: def as HandlerFn, streamBody, ...hooks };
  if (fn(mod.handler)) return { kind: 'handler', handler: mod.handler as HandlerFn, streamBody, ...hooks };
  if (fn(mod.fetch)) return { kind: 'fetch', fetch: mod.fetch as FetchFn, streamBody: false, ...hooks };
  throw new FnkitError('FN_ERR_NO_HANDLER', `the function module has no handler: expected "export default function", "export function handler" or a fetch app ("export default app" with app.fetch); it exports ${describe(mod)}`, {
    hint: 'export the function that answers requests, e.g. export default async (req) => ({ hello: "world" })',
  });
}
