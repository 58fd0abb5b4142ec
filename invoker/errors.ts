// Invoker failures that become HTTP answers. Every error body is JSON with the request id, so a
// client can quote it and an operator can find the log line. No stack and no internal message
// leaves the process outside development mode (issue 2, "Limits and failure").

export class HttpFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly hint?: string;
  readonly headers?: Record<string, string>;

  constructor(status: number, code: string, message: string, opts: { hint?: string; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'HttpFailure';
    this.status = status;
    this.code = code;
    this.hint = opts.hint;
    this.headers = opts.headers;
  }
}

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Whether the log line should be at error level (a 5xx from user code or the invoker). */
  severe: boolean;
}

function statusOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; status?: unknown };
  const s = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : undefined;
  return s !== undefined && Number.isInteger(s) && s >= 400 && s <= 599 ? s : undefined;
}

function safeHeaders(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const h = (err as { headers?: unknown } | null)?.headers;
  if (h && typeof h === 'object') {
    for (const [k, v] of Object.entries(h)) if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/**
 * Maps anything thrown on the request path to the JSON answer. A thrown `statusCode`/`status`
 * (400–599) is honoured and its message is shown: the author chose to tell the client. Any other
 * throw is a 500 whose body names only the request id, unless `dev` is on.
 */
export function errorAnswer(err: unknown, requestId: string, dev: boolean): ErrorAnswer {
  if (err instanceof HttpFailure) {
    const body: Record<string, unknown> = { error: err.message, code: err.code, requestId };
    if (err.hint) body.hint = err.hint;
    return { status: err.status, headers: { 'content-type': 'application/json; charset=utf-8', ...err.headers }, body: JSON.stringify(body), severe: err.status >= 500 };
  }
  const status = statusOf(err);
  const body: Record<string, unknown> = { requestId };
  if (status !== undefined) {
    body.error = err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? 'Error');
  } else {
    body.error = 'Internal Server Error';
    if (dev) {
      body.message = err instanceof Error ? err.message : String(err);
      if (err instanceof Error && err.stack) body.stack = err.stack.split('\n');
    }
  }
  const headers = status !== undefined ? safeHeaders(err) : {};
  headers['content-type'] = 'application/json; charset=utf-8';
  return { status: status ?? 500, headers, body: JSON.stringify(body), severe: (status ?? 500) >= 500 };
}
