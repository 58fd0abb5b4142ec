// One error type for the whole library. Each error has a stable code (FN_ERR_*), a message that
// says what was expected, what came and what to do, and the data that caused it. The library
// stays free of CLI words; cli/errors.ts adds the flag hint and picks the exit code.

export interface FnkitErrorOptions {
  /** What the user can do about it, in library terms (no CLI flags). */
  hint?: string;
  /** The values that caused it: file, field, path, digest... */
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class FnkitError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: string, message: string, options: FnkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FnkitError';
    this.code = code;
    this.hint = options.hint;
    this.data = options.data;
  }
}

export function isFnkitError(err: unknown): err is FnkitError {
  return err instanceof FnkitError;
}
