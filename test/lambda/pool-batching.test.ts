// The pool sends a single environment the invocations of one event-loop turn as one message, and
// lets it hold up to 32 (pool.ts): a burst larger than that must still run one at a time, in
// arrival order, each answered once, and a deadline must still hold for one that waits inside
// the worker (specs/lambda.md §3.2, §3.5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createWorkerPool, type SpawnEnvironment } from '../../runtimes/lambda/pool.js';
import { resolveSettings } from '../../runtimes/lambda/settings.js';
import { fixtures } from './helpers.js';

const settings = (handler: string) =>
  resolveSettings({ handler, name: 'batching', timeout: 5, config: { concurrency: 1 }, taskRoot: join(fixtures, 'basic') }, { ...process.env });
const signal = new AbortController().signal;

test('concurrency 1: a burst of 45 invocations in one turn runs one at a time, in order, each answered once', async () => {
  const pool = createWorkerPool({ settings: settings('index.counter'), log: () => undefined });
  try {
    await pool.init();
    const outcomes = await Promise.all(
      Array.from({ length: 45 }, () => pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: Date.now() + 5000, signal })),
    );
    const counts = outcomes.map((o) => (o.ok && 'result' in o ? (o.result as { invocations: number }).invocations : -1));
    // One environment, module state shared: the counter proves order and that none ran twice.
    assert.deepEqual(counts, Array.from({ length: 45 }, (_, i) => i + 1));
    assert.equal(pool.size, 1);
  } finally {
    await pool.shutdown();
  }
});

test('concurrency 1: an invocation waiting inside the worker times out at its deadline without running', async () => {
  const lines: string[] = [];
  const pool = createWorkerPool({ settings: settings('index.sleep'), log: (l) => lines.push(l) });
  try {
    await pool.init();
    const slow = pool.invoke({ event: { queryStringParameters: { ms: '600' } }, requestId: crypto.randomUUID(), deadline: Date.now() + 5000, signal });
    const waitingId = crypto.randomUUID();
    const t0 = Date.now();
    const waiting = await pool.invoke({ event: { queryStringParameters: { ms: '1' } }, requestId: waitingId, deadline: Date.now() + 200, signal });
    const took = Date.now() - t0;
    assert.equal(waiting.ok, false);
    assert.equal(!waiting.ok && waiting.kind, 'timeout');
    assert.ok(took >= 150 && took < 550, `answered after ${took} ms, not at its 200 ms deadline`);
    assert.deepEqual(await slow, { ok: true, result: { statusCode: 200, body: 'slept' } });
    // The worker skipped it: it never logged a START.
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(!lines.some((l) => l.startsWith(`START RequestId: ${waitingId}`)), lines.join('\n'));
  } finally {
    await pool.shutdown();
  }
});

test('an invocation the environment reports as skipped (its deadline passed while it waited) is answered with the timeout, even before the pool\'s own timer', async () => {
  // An environment whose clock is always past the deadline: it skips everything it is sent.
  const spawn: SpawnEnvironment = (events) => {
    queueMicrotask(() => events.message({ type: 'ready' }));
    return {
      send: (batch) => queueMicrotask(() => { for (const m of batch) events.message({ type: 'skipped', id: m.id }); }),
      terminate: async () => undefined,
    };
  };
  const pool = createWorkerPool({ settings: settings('index.counter'), log: () => undefined, spawn });
  try {
    await pool.init();
    const t0 = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 3 }, () => pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: Date.now() + 5000, signal })));
    assert.ok(Date.now() - t0 < 1000, 'answered when skipped, not at the 5 s deadline');
    for (const o of outcomes) {
      assert.equal(o.ok, false);
      assert.ok(!o.ok && o.kind === 'timeout' && o.error.errorType === 'Sandbox.Timedout' && /Task timed out after 5\.00 seconds/.test(o.error.errorMessage));
    }
  } finally {
    await pool.shutdown();
  }
});

test('one deadline timer serves every invocation: a later one with an earlier deadline still times out on time, and nothing is left armed after', async () => {
  // An environment that never answers: only the pool's deadlines end these invocations.
  const spawn: SpawnEnvironment = (events) => {
    queueMicrotask(() => events.message({ type: 'ready' }));
    return { send: () => undefined, terminate: async () => undefined };
  };
  const pool = createWorkerPool({ settings: settings('index.counter'), log: () => undefined, spawn });
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  try {
    await pool.init();
    const before = timers();
    const t0 = Date.now();
    const late = pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: t0 + 600, signal });
    const early = pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: t0 + 150, signal });
    const earlyOutcome = await early;
    const earlyAt = Date.now() - t0;
    assert.ok(!earlyOutcome.ok && earlyOutcome.kind === 'timeout', JSON.stringify(earlyOutcome));
    assert.ok(earlyAt >= 140 && earlyAt < 450, `the earlier deadline answered after ${earlyAt} ms, not at 150`);
    const lateOutcome = await late;
    const lateAt = Date.now() - t0;
    assert.ok(!lateOutcome.ok && lateOutcome.kind === 'timeout');
    assert.ok(lateAt >= 590 && lateAt < 1100, `the later deadline answered after ${lateAt} ms, not at 600`);
    // Nothing pending: the pool holds no timer that would keep a process alive.
    assert.equal(timers(), before);
  } finally {
    await pool.shutdown();
  }
});

test('the deadline timer left unreferenced by answered invocations keeps no process alive, and still ends a later invocation on time', async () => {
  // Answers every invocation at once, except those whose event says { hang: true }.
  const spawn: SpawnEnvironment = (events) => {
    queueMicrotask(() => events.message({ type: 'ready' }));
    return {
      send: (batch) =>
        queueMicrotask(() => {
          for (const m of batch) if (!(m.value as { hang?: boolean } | undefined)?.hang) events.message({ type: 'result', id: m.id, payload: '', value: 'ok', hasValue: true });
        }),
      sharesThread: true,
      terminate: async () => undefined,
    };
  };
  const pool = createWorkerPool({ settings: settings('index.counter'), log: () => undefined, spawn });
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
  try {
    await pool.init();
    const before = timers();
    const t0 = Date.now();
    // Answered at once: the timer set for the first deadline (t0 + 300) is left behind, unreferenced.
    const answered = await Promise.all(Array.from({ length: 5 }, (_, i) => pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: t0 + 300 + i, signal, plainEvent: true })));
    assert.deepEqual(answered, Array.from({ length: 5 }, () => ({ ok: true, result: 'ok' })));
    assert.equal(timers(), before, 'nothing pending: no referenced timer');
    // A later deadline than the timer's: the old timer fires first, finds it pending, and sets itself for it.
    const pending = pool.invoke({ event: { hang: true }, requestId: crypto.randomUUID(), deadline: t0 + 500, signal, plainEvent: true });
    assert.equal(timers(), before + 1, 'while an invocation is pending the timer keeps the process alive');
    const hung = await pending;
    const at = Date.now() - t0;
    assert.ok(!hung.ok && hung.kind === 'timeout', JSON.stringify(hung));
    assert.ok(at >= 490 && at < 1000, `timed out after ${at} ms, not at 500`);
    assert.equal(timers(), before);
    // An earlier deadline than the one left behind.
    const t1 = Date.now();
    const answeredLate = await pool.invoke({ event: {}, requestId: crypto.randomUUID(), deadline: t1 + 2000, signal, plainEvent: true });
    assert.ok(answeredLate.ok);
    const hungEarly = await pool.invoke({ event: { hang: true }, requestId: crypto.randomUUID(), deadline: t1 + 150, signal, plainEvent: true });
    const earlyAt = Date.now() - t1;
    assert.ok(!hungEarly.ok && hungEarly.kind === 'timeout');
    assert.ok(earlyAt >= 140 && earlyAt < 600, `timed out after ${earlyAt} ms, not at 150`);
    assert.equal(timers(), before);
  } finally {
    await pool.shutdown();
  }
});
