// The run-time young-generation cap (young-generation.ts), in child processes so the V8 flags it
// sets stay out of the test runner: a node without a flag stops doubling its young generation at
// the cap, as --max-semi-space-size=4 makes it; a flag given at start wins; and V8's default grows
// past the cap, so the test could fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { capYoungGeneration, youngGenerationChosen } from './young-generation.js';

const here = fileURLToPath(new URL('./young-generation.ts', import.meta.url));

/** Allocates with survivors for 1.5 s in a child node; returns the largest young generation seen (MiB) and whether the cap was active. */
function grow(cap: boolean, nodeArgs: string[] = []): { maxMiB: number; active: boolean } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { capYoungGeneration } from ${JSON.stringify(here)};
    const c = ${cap} ? capYoungGeneration() : { active: false };
    const ns = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const keep = []; let max = 0; const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      const a = []; for (let i = 0; i < 1000; i++) a.push({ i, s: 'x' + i });
      keep.push(a); if (keep.length > 200) keep.shift();
      max = Math.max(max, ns());
      // let the watcher's timer run, as a server's event loop does between requests
      if (keep.length % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    console.log(JSON.stringify({ maxMiB: max / 1048576, active: c.active }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', ...nodeArgs, '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(out.trim().split('\n').pop()!);
}

// Node 20/22 grow only by doubling, so the cap holds at 8 MiB exactly; Node 24 also grows in small
// steps after a doubling stops (measured: 128 MiB free, ~17 MiB capped), so there the bound is the
// next doubling the cap prevents.
const MAJOR = Number(process.versions.node.split('.')[0]);
const BOUND_MIB = MAJOR >= 24 ? 32 : 8;

test(`without a flag, V8 grows the young generation past 8 MiB; the cap keeps it at or under ${BOUND_MIB} MiB (Node ${MAJOR})`, () => {
  const free = grow(false);
  assert.ok(free.maxMiB > BOUND_MIB, `V8's default grows beyond the bound (${free.maxMiB} MiB), or this test proves nothing`);
  const capped = grow(true);
  assert.equal(capped.active, true);
  assert.ok(capped.maxMiB <= BOUND_MIB, `capped at ${BOUND_MIB} MiB (${capped.maxMiB} MiB)`);
});

test('a young-generation flag given at start wins: the cap stays off', () => {
  const r = grow(true, ['--max-semi-space-size=2']);
  assert.equal(r.active, false);
  assert.ok(youngGenerationChosen(['--max-semi-space-size=2'], undefined));
  assert.ok(youngGenerationChosen([], '--inspect --semi-space-growth-factor=1'));
  assert.ok(youngGenerationChosen([], '--max_semi_space_size=4'));
  assert.ok(!youngGenerationChosen(['--enable-source-maps'], '--max-old-space-size=512'));
});

test("at the cap the growth factor becomes 1; when V8 later shrinks the young generation (a quiet spell), V8's own factor comes back so it can grow again", async () => {
  const MiB = 1024 * 1024;
  // What each check after a garbage collection reads: growing, at the cap, a dip (not a shrink),
  // shrunk by the memory reducer, growing again.
  const sizes = [1, 4, 8, 8, 5, 8, 1, 2, 8].map((m) => m * MiB);
  let read = 0;
  const calls: string[] = [];
  const cap = capYoungGeneration({ cap: 8 * MiB, newSpace: () => sizes[Math.min(read++, sizes.length - 1)]!, setFlags: (f) => calls.push(f) });
  assert.equal(cap.active, true);
  try {
    const junk: unknown[] = [];
    const t0 = Date.now();
    while (read < sizes.length && Date.now() - t0 < 10_000) {
      for (let i = 0; i < 20_000; i++) junk.push({ i });
      junk.length = 0;
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    cap.stop();
  }
  assert.ok(read >= sizes.length, `garbage collections were observed (${read} checks)`);
  assert.deepEqual(calls, ['--semi-space-growth-factor=1', '--semi-space-growth-factor=2', '--semi-space-growth-factor=1']);
});
