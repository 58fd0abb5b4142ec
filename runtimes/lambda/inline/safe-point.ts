// Whether function code may start right here, on the current stack, and still be stopped by the
// watchdog without taking the process down (watchdog.ts). Termination skips JS `finally` blocks,
// so it is survivable only where Node pushed the current async context natively (an I/O or HTTP
// callback, a MessagePort message), not where JS pushed it: a timer, an immediate, a nextTick, an
// AsyncResource scope, or a promise job while promise hooks run (AsyncLocalStorage on Node 20/22).
// Elsewhere the start is deferred to a MessagePort message (host.ts).
import { AsyncResource, executionAsyncResource } from 'node:async_hooks';

const probeTimeout = setTimeout(() => undefined, 0);
const TimeoutClass = probeTimeout.constructor;
clearTimeout(probeTimeout);
const probeImmediate = setImmediate(() => undefined);
const ImmediateClass = probeImmediate.constructor;
clearImmediate(probeImmediate);

export function atNativeCallback(): boolean {
  const r = executionAsyncResource() as { callback?: unknown; args?: unknown } | undefined;
  if (!r || typeof r !== 'object') return true;
  if (r instanceof Promise || r instanceof TimeoutClass || r instanceof ImmediateClass || r instanceof AsyncResource) return false;
  // process.nextTick's tick object: a plain { callback, args } record.
  return !(typeof r.callback === 'function' && 'args' in r);
}
