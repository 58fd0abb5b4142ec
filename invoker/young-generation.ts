// Caps V8's young generation at run time, for a node started without a flag for it. Under load V8
// doubles the young generation up to 2 x 16 MiB (Node 20), which put RSS after load at ~1.3x bare
// node:http; `--max-semi-space-size=4` keeps it at ~1.1x at the same CPU per request. But on
// Node 20 and 22 any V8 flag at start makes node refuse its own built-in code cache, ~24 ms of
// cold start (docs/invoker.md, "Cold start"), so images for those get no flag (src/build/
// image-bundle.ts imageEnv) and this does the same once the process runs: it watches the young
// generation and, when it reaches the cap, sets V8's growth factor to 1, which V8 reads at each
// growth step. Measured on Node 20: the same 8 MiB as the flag, RSS after load 88 -> 67 MiB, CPU
// per request unchanged. Node 24 takes the flag at no cost, and its young generation also grows in
// small steps after a doubling stops; there this stops the doubling (128 -> ~17 MiB, measured).
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation the flag gives: two semi-spaces of 4 MiB. */
export const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;

const newSpaceBytes = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/** Whoever started node chose a young generation (NODE_OPTIONS or the command line): theirs wins. */
export function youngGenerationChosen(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /^--(max-semi-space-size|semi-space-growth-factor|min-semi-space-size)\b/.test(a.replace(/_/g, '-')));
}

/** V8's own growth factor (the same on Node 20, 22 and 24). */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * Watches from now on and returns a stop function; does nothing when a flag already chose the young
 * generation. V8 grows the young generation only at a garbage collection, so the check runs after
 * each one (a `gc` performance entry) and never while the function is idle. It keeps watching
 * after the cap is reached: once the function has been idle V8 shrinks the young generation to
 * its smallest (the memory reducer's collection), and with the growth factor left at 1 it could
 * never grow back. It did not: 3.5x the scavenges and 12 % more CPU per request for the rest of
 * the process (docs/invoker.md, "After a quiet spell"). So once it has shrunk to a quarter of the
 * cap the factor is V8's own again. `cap`, `newSpace` and `setFlags` exist for the tests.
 */
export function capYoungGeneration(
  opts: { cap?: number; newSpace?: () => number; setFlags?: (flags: string) => void } = {},
): { active: boolean; stop(): void } {
  if (youngGenerationChosen(process.execArgv, process.env.NODE_OPTIONS)) return { active: false, stop: () => undefined };
  const cap = opts.cap ?? YOUNG_GENERATION_CAP;
  const size = opts.newSpace ?? newSpaceBytes;
  const setFlags = opts.setFlags ?? setFlagsFromString;
  let capped = false;
  const observer = new PerformanceObserver(() => {
    const now = size();
    // Back to V8's factor only after a real shrink (the reducer goes down to the smallest size):
    // the reported size also dips below the cap between collections, and every such dip let the
    // young generation double past the cap (RSS +13 MiB on Node 20, measured).
    if (capped ? now > cap / 4 : now < cap) return;
    capped = !capped;
    setFlags(`--semi-space-growth-factor=${capped ? 1 : DEFAULT_GROWTH_FACTOR}`);
  });
  observer.observe({ entryTypes: ['gc'] });
  return { active: true, stop: () => observer.disconnect() };
}
