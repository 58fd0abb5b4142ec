// Keeps a function as fast after a quiet spell as before it. Once a process goes idle, V8's memory
// reducer runs a few garbage collections that shrink the heap. In such a collection, with no
// request in flight, no object built by process.nextTick's record literal is alive, so its hidden
// classes die and the literal's inline caches are cleared; V8 does not learn them again, and from
// then on every record is built on a slow path (computed symbol keys; ~3x slower per nextTick,
// ~9x per object). Node's HTTP server calls nextTick several times per request. Measured with the
// invoker's node runtime, `wrk -c32` after 45 s idle, CPU per request: Node 24 10.2 -> 14.2 µs,
// Node 20 11.8 -> 14.6 µs, and neither a 1 s nor a 10 s warm-up brings it back (docs/invoker.md,
// "After a quiet spell").
//
// One such record held for the life of the process keeps those classes, and with them the caches,
// alive: 10.7 and 11.9 µs after the same 45 s. No V8 flag: on Node 20 and 22 any flag at start
// costs the built-in code cache (~24 ms of cold start), and `--no-memory-reducer` cannot be set
// once the process runs.
import { executionAsyncResource } from 'node:async_hooks';

let held: object | undefined;

/** Whether `r` looks like Node's nextTick record ({ callback, args } and two symbol-keyed ids). */
export function isTickRecord(r: unknown): r is object {
  if (!r || typeof r !== 'object') return false;
  const o = r as { callback?: unknown };
  return typeof o.callback === 'function' && 'args' in o && Object.getOwnPropertySymbols(o).length >= 2;
}

/**
 * Holds one nextTick record from the next tick on; resolves to whether it got one (a node whose
 * nextTick no longer runs callbacks with its record as the execution resource holds nothing).
 */
export function keepSpeedAfterIdle(): Promise<boolean> {
  return new Promise((resolve) => {
    process.nextTick(() => {
      // Within a nextTick callback the execution resource is the record itself.
      const r = executionAsyncResource();
      if (isTickRecord(r)) held = r;
      resolve(held !== undefined);
    });
  });
}

/** The record held (for the tests). */
export function heldRecord(): object | undefined {
  return held;
}
