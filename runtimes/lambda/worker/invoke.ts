// One invocation with the completion rules of the Node RIC (specs/lambda.md §3.2).
//
// nodejs20.x/22.x (RIC 3.x): a returned promise completes at once; callback(null, x) waits for
// the event loop to drain when callbackWaitsForEmptyEventLoop is true; done/succeed/fail
// complete at once; the first completion wins; a sync handler that never calls back succeeds
// with null once the loop drains, an async one whose promise never settles fails with
// Runtime.NodeJsExit. "The loop drained" is the worker's own `beforeExit`, as in the RIC.
// nodejs24.x (RIC 4.x): `await handler(event, context)`, nothing else.
import type { LoadedHandler } from './loader.js';
import type { InvokeMessage, WorkerConfig } from './protocol.js';
import { buildContext, type Completion } from './context.js';
import { jsonStringifyError, nodeJsExit, responseSizeTooLarge } from './errors.js';
import { ResponseStream, type StreamSink } from './streaming.js';
import { NOT_PLAIN, jsonCopy } from '../json-data.js';

export interface InvocationHooks {
  /** Exactly once per invocation: the JSON result text (or, same thread, its plain-data copy) or the error. */
  succeed(payload: string): void;
  succeedWithValue?(value: unknown): void;
  fail(error: unknown): void;
  /**
   * Runs `action` when the event loop drains (replaces any earlier action). `completes`: the
   * handler has completed (callback with callbackWaitsForEmptyEventLoop) and only waits for the
   * drain; otherwise the action is what happens to a handler that never completes.
   */
  onDrain(action: (() => void) | undefined, completes?: boolean): void;
  /** RIC 3.x: the handler's synchronous call returned (a promise-like result or not). */
  called?(thenable: boolean): void;
  stream: StreamSink;
  streamFail(error: unknown): void;
}

function serialize(cfg: WorkerConfig, result: unknown): { ok: true; text: string } | { ok: false; error: unknown } {
  let text: string;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch {
    return { ok: false, error: jsonStringifyError() };
  }
  if (text === undefined) text = 'null';
  if (Buffer.byteLength(text) > cfg.maxResponseBytes) return { ok: false, error: responseSizeTooLarge(cfg.maxResponseBytes) };
  return { ok: true, text };
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return !!v && (typeof v === 'object' || typeof v === 'function') && typeof (v as any).then === 'function';
}

/**
 * One invocation's completion (RIC 3.x and 4.x): the first of callback, done/succeed/fail or the
 * returned promise wins. One object per invocation where closures per hook used to be ten
 * allocations (docs/lambda.md, "Measured").
 */
class Run implements Completion {
  private finished = false;
  context: Record<string, unknown> | undefined;

  constructor(
    private readonly cfg: WorkerConfig,
    private readonly hooks: InvocationHooks,
  ) {}

  /** True for the first completion only. */
  first(): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.hooks.onDrain(undefined);
    return true;
  }

  callback(err: unknown, result?: unknown): void {
    if (!this.first()) return;
    if (err !== undefined && err !== null) return this.hooks.fail(err);
    if (!this.context!.callbackWaitsForEmptyEventLoop) return this.succeed(result);
    // Still counts as the first completion: later calls are ignored even while this waits.
    this.hooks.onDrain(() => setImmediate(() => this.succeed(result)), true);
  }

  done(err: unknown, result?: unknown): void {
    if (!this.first()) return;
    if (err !== undefined && err !== null) this.hooks.fail(err);
    else this.succeed(result);
  }

  succeed(result: unknown): void {
    if (this.cfg.sameThread && this.hooks.succeedWithValue) {
      const value = jsonCopy(result, this.cfg.maxResponseBytes);
      if (value !== NOT_PLAIN) return this.hooks.succeedWithValue(value);
    }
    const s = serialize(this.cfg, result);
    if (s.ok) this.hooks.succeed(s.text);
    else this.hooks.fail(s.error);
  }

  /** The event loop drained and nothing completed: a sync handler succeeds with null, an async one fails. */
  drainedUncompleted(isAsync: boolean): void {
    if (this.finished) return;
    this.finished = true;
    if (isAsync) this.hooks.fail(nodeJsExit());
    else this.succeed(null);
  }

  fail(e: unknown): void {
    if (this.first()) this.hooks.fail(e);
  }
}

export function invoke(cfg: WorkerConfig, h: LoadedHandler, msg: InvokeMessage, hooks: InvocationHooks): void {
  let event: unknown;
  try {
    event = msg.hasValue ? msg.value : JSON.parse(msg.event);
  } catch (e) {
    hooks.fail(e);
    return;
  }
  if (h.streaming) return invokeStreaming(cfg, h, msg, event, hooks);
  const run = new Run(cfg, hooks);
  if (cfg.awsRuntime === 'nodejs24.x') {
    let context: Record<string, unknown>;
    try {
      context = buildContext(cfg, msg, undefined);
    } catch (e) {
      return hooks.fail(e);
    }
    Promise.resolve()
      .then(() => h.fn(event, context))
      .then(
        (r) => {
          if (run.first()) run.succeed(r);
        },
        (e: unknown) => run.fail(e),
      );
    return;
  }
  // The default drain action, replaced by a deferred callback: what happens if nothing completes.
  const isAsync = h.isAsync;
  hooks.onDrain(() => run.drainedUncompleted(isAsync));
  let context: Record<string, unknown>;
  try {
    context = run.context = buildContext(cfg, msg, run);
  } catch (e) {
    run.first();
    return hooks.fail(e);
  }
  const cb = (err: unknown, result?: unknown) => run.callback(err, result);
  let result: unknown;
  try {
    result = h.fn(event, context, cb);
  } catch (e) {
    return run.done(e);
  }
  const thenable = isThenable(result);
  hooks.called?.(thenable);
  if (thenable) {
    (result as PromiseLike<unknown>).then(
      (r) => run.done(null, r),
      (e: unknown) => run.done(e ?? 'handled'),
    );
  }
}

function invokeStreaming(cfg: WorkerConfig, h: LoadedHandler, msg: InvokeMessage, event: unknown, hooks: InvocationHooks): void {
  const stream = new ResponseStream(hooks.stream, h.highWaterMark);
  let ended = false;
  stream.on('finish', () => {
    ended = true;
  });
  const fail = (e: unknown) => {
    if (stream.headSent) hooks.streamFail(e);
    else hooks.fail(e);
    stream.destroy();
  };
  let result: unknown;
  try {
    const context = buildContext(cfg, msg, undefined);
    result = h.fn(event, stream, context);
  } catch (e) {
    return fail(e);
  }
  if (!isThenable(result)) return fail(new Error('Streaming does not support non-async handlers.'));
  Promise.resolve(result).then(
    (value) => {
      if (value !== undefined) console.warn('Streaming handlers ignore return values.');
      if (ended || stream.writableFinished) return;
      // end() may have been called with the finish event still pending: give it one turn.
      if (stream.writableEnded) return void stream.once('finish', () => undefined);
      fail(new Error('Response stream is not finished.'));
    },
    (e) => fail(e ?? 'handled'),
  );
}
