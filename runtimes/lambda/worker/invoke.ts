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

export function invoke(cfg: WorkerConfig, h: LoadedHandler, msg: InvokeMessage, hooks: InvocationHooks): void {
  let finished = false;
  const succeed = (result: unknown) => {
    if (cfg.sameThread && hooks.succeedWithValue) {
      const value = jsonCopy(result, cfg.maxResponseBytes);
      if (value !== NOT_PLAIN) return hooks.succeedWithValue(value);
    }
    const s = serialize(cfg, result);
    if (s.ok) hooks.succeed(s.text);
    else hooks.fail(s.error);
  };
  const once = (f: (...a: any[]) => void) => (...a: any[]) => {
    if (finished) return;
    finished = true;
    hooks.onDrain(undefined);
    f(...a);
  };
  let event: unknown;
  try {
    event = msg.hasValue ? msg.value : JSON.parse(msg.event);
  } catch (e) {
    hooks.fail(e);
    return;
  }
  if (h.streaming) return invokeStreaming(cfg, h, msg, event, hooks);
  if (cfg.awsRuntime === 'nodejs24.x') {
    let context: Record<string, unknown>;
    try {
      context = buildContext(cfg, msg, undefined);
    } catch (e) {
      return hooks.fail(e);
    }
    Promise.resolve()
      .then(() => h.fn(event, context))
      .then(once(succeed), once((e: unknown) => hooks.fail(e)));
    return;
  }
  const completion: Completion = {
    callback: once((err: unknown, result: unknown) => {
      if (err !== undefined && err !== null) return hooks.fail(err);
      if (!context.callbackWaitsForEmptyEventLoop) return succeed(result);
      // Still counts as the first completion: later calls are ignored even while this waits.
      hooks.onDrain(() => setImmediate(() => succeed(result)), true);
    }),
    done: once((err: unknown, result: unknown) => {
      if (err !== undefined && err !== null) hooks.fail(err);
      else succeed(result);
    }),
  };
  // The default drain action, replaced by a deferred callback: what happens if nothing completes.
  hooks.onDrain(
    h.isAsync
      ? () => {
          if (!finished) {
            finished = true;
            hooks.fail(nodeJsExit());
          }
        }
      : () => {
          if (!finished) {
            finished = true;
            succeed(null);
          }
        },
  );
  let context: Record<string, unknown>;
  try {
    context = buildContext(cfg, msg, completion);
  } catch (e) {
    finished = true;
    hooks.onDrain(undefined);
    return hooks.fail(e);
  }
  const cb = (err: unknown, result?: unknown) => completion.callback(err, result);
  let result: unknown;
  try {
    result = h.fn(event, context, cb);
  } catch (e) {
    return completion.done(e);
  }
  const thenable = isThenable(result);
  hooks.called?.(thenable);
  if (thenable) {
    (result as PromiseLike<unknown>).then(
      (r) => completion.done(null, r),
      (e: unknown) => completion.done(e ?? 'handled'),
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
