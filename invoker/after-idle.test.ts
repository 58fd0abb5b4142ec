// The invoker holds one process.nextTick record for its whole life (after-idle.ts), so the
// garbage collections V8's memory reducer runs while a function is idle cannot leave nextTick on
// its slow path. What it prevents is measured by the Lambda benchmark's "after 45 s idle" column
// (npm run bench -- lambda); these tests check that what is held is the real thing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { heldRecord, isTickRecord, keepSpeedAfterIdle } from './after-idle.js';

test('the invoker holds a nextTick record: a { callback, args } object with its symbol-keyed ids', async () => {
  assert.equal(await keepSpeedAfterIdle(), true);
  const r = heldRecord();
  assert.ok(isTickRecord(r));
  // async_id_symbol and trigger_async_id_symbol (and Node 24's kAsyncContextFrame)
  assert.ok(Object.getOwnPropertySymbols(r).length >= 2);
  assert.equal(isTickRecord({ callback: () => 1, args: undefined }), false, 'a look-alike without the ids is not one');
  assert.equal(isTickRecord(null), false);
});

test(`on this node (${process.version}) the held record has the hidden class every nextTick record gets, before and after a memory-reducing collection`, () => {
  const self = fileURLToPath(new URL('./after-idle.ts', import.meta.url));
  // %HaveSameMap: V8's own check that two objects share a hidden class. A record of another shape
  // would keep nothing useful alive.
  const script = `
    import { executionAsyncResource } from 'node:async_hooks';
    import { heldRecord, keepSpeedAfterIdle } from ${JSON.stringify(self)};
    const tick = () => new Promise((res) => process.nextTick(() => res(executionAsyncResource())));
    const same = (a, b) => new Function('a', 'b', 'return %HaveSameMap(a, b)')(a, b);
    await keepSpeedAfterIdle();
    const held = heldRecord();
    const before = same(held, await tick());
    globalThis.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const after = same(held, await tick());
    console.log(JSON.stringify({ before, after }));
  `;
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { before: true, after: true });
});
