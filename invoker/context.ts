// The per-request InvocationContext. The AbortController is created only when the handler reads
// `signal`, and the disconnect listener is attached only then: most handlers never look, and the
// hot path should not pay for it (style.md habit 6).
import type { ServerResponse } from 'node:http';
import type { InvocationContext, Logger } from '../runtimes/types.js';

export interface KnativeIdentity {
  service?: string;
  revision?: string;
  configuration?: string;
}

export class Invocation implements InvocationContext {
  private ac: AbortController | undefined;
  private reason: unknown;
  private aborted = false;

  constructor(
    readonly requestId: string,
    readonly log: Logger,
    readonly deadline: number,
    readonly traceId: string | undefined,
    readonly knative: KnativeIdentity,
    private readonly res: ServerResponse,
    readonly requestIdIsOwn: boolean = false,
  ) {}

  get signal(): AbortSignal {
    if (this.ac) return this.ac.signal;
    const ac = (this.ac = new AbortController());
    if (this.aborted) ac.abort(this.reason);
    else if (this.res.destroyed && !this.res.writableFinished) ac.abort(disconnected());
    else {
      this.res.once('close', () => {
        if (!this.res.writableFinished) this.abort(disconnected());
      });
    }
    return ac.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.ac?.abort(reason);
  }
}

function disconnected(): Error {
  const e = new Error('the client closed the connection');
  e.name = 'AbortError';
  return e;
}

export function timeoutReason(ms: number): Error {
  const e = new Error(`the request exceeded its timeout of ${ms / 1000}s`);
  e.name = 'TimeoutError';
  return e;
}

export function shutdownReason(): Error {
  const e = new Error('the function is shutting down');
  e.name = 'AbortError';
  return e;
}

/** trace-id of a W3C traceparent header (version-traceid-parentid-flags), or undefined. */
export function traceIdOf(traceparent: string | string[] | undefined): string | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/.exec(traceparent.trim());
  return m && m[1] !== '00000000000000000000000000000000' ? m[1] : undefined;
}
