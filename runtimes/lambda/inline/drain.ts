// "The event loop is empty" for one invocation on the server's own thread (isolation: inline),
// for RIC 3.x callbackWaitsForEmptyEventLoop (specs/lambda.md §3.2). In a worker it is the
// thread's own beforeExit; the server's loop is never empty, so here it means: the timers,
// immediates and ticks the invocation started are done. Ownership: what the handler schedules
// while it is called, and what those callbacks schedule in turn. The global setTimeout,
// setInterval, setImmediate and process.nextTick are wrapped for that, and only while a
// callback-style or sync handler's invocation runs (an async handler's promise decides alone).
//
// Not async_hooks: with hooks on, every promise job pushes an async context, and a loop the
// watchdog interrupts inside one leaves that stack corrupted, which ends the process (measured,
// Node 20 and 24). The cost: pending I/O (sockets, fs) and work started from promise
// continuations are not waited for: such a handler is answered when its timers are done, and the
// work goes on after the answer (inline has no freeze either).
//
// Only a handler that completed (callback(null, x) waiting for the loop) is answered on drain; one
// that never completes ends at its timeout rather than being answered null (sync) or
// Runtime.NodeJsExit (async): pending work this cannot see would make that answer premature.

export interface DrainTracker {
  /** The handler is about to be called; `drained` is asked when what it started is done (true: handled). */
  start(drained: () => boolean): void;
  /** Its synchronous call returned; a promise-like result ends the tracking. */
  called(thenable: boolean): void;
  /** The handler completed: look again. */
  poke(): void;
  stop(): void;
}

type Pending = { _destroyed?: boolean; hasRef?: () => boolean };

export function createDrainTracker(): DrainTracker {
  const real = { setTimeout, setInterval, setImmediate, nextTick: process.nextTick };
  let active = false;
  /** > 0 while the handler or one of its callbacks runs. */
  let owning = 0;
  let onDrained: (() => boolean) | undefined;
  const timers = new Set<Pending>();
  let ticks = 0;
  let checkScheduled = false;

  const owned = <A extends unknown[]>(fn: (...a: A) => unknown, after?: () => void) =>
    function (this: unknown, ...a: A) {
      owning++;
      try {
        return fn.apply(this, a);
      } finally {
        owning--;
        after?.();
        scheduleCheck();
      }
    };

  function wrapTimer<F extends (cb: (...a: any[]) => unknown, ...rest: any[]) => Pending>(original: F): F {
    const wrapped = function (this: unknown, cb: (...a: any[]) => unknown, ...rest: any[]) {
      if (!active || owning === 0 || typeof cb !== 'function') return original.call(this, cb, ...rest);
      const t = original.call(this, owned(cb), ...rest);
      timers.add(t);
      return t;
    };
    // util.promisify(setTimeout) and friends keep working.
    Object.assign(wrapped, original);
    return wrapped as unknown as F;
  }
  const wrapped = {
    setTimeout: wrapTimer(real.setTimeout as any),
    setInterval: wrapTimer(real.setInterval as any),
    setImmediate: wrapTimer(real.setImmediate as any),
    nextTick(this: unknown, cb: (...a: any[]) => unknown, ...rest: any[]) {
      if (!active || owning === 0 || typeof cb !== 'function') return real.nextTick.call(process, cb, ...rest);
      ticks++;
      return real.nextTick.call(process, owned(cb, () => ticks--), ...rest);
    },
  };

  function install(on: boolean): void {
    const g = globalThis as Record<string, unknown>;
    const src = on ? wrapped : real;
    g.setTimeout = src.setTimeout;
    g.setInterval = src.setInterval;
    g.setImmediate = src.setImmediate;
    process.nextTick = src.nextTick as typeof process.nextTick;
  }

  function scheduleCheck(): void {
    if (checkScheduled || !active || owning > 0) return;
    checkScheduled = true;
    // After the current callback and its microtasks: what they start counts too.
    real.setImmediate(check);
  }

  function check(): void {
    checkScheduled = false;
    if (!active || owning > 0 || ticks > 0) return;
    for (const t of timers) {
      if (t._destroyed === true || (typeof t.hasRef === 'function' && !t.hasRef())) timers.delete(t);
      else return;
    }
    if (onDrained?.()) stop();
  }

  function stop(): void {
    if (!active) return;
    active = false;
    owning = 0;
    ticks = 0;
    onDrained = undefined;
    timers.clear();
    install(false);
  }

  return {
    start(drained) {
      stop();
      active = true;
      owning = 1;
      onDrained = drained;
      install(true);
    },
    called(thenable) {
      if (!active) return;
      owning = 0;
      if (thenable) stop();
      else scheduleCheck();
    },
    poke: scheduleCheck,
    stop,
  };
}
