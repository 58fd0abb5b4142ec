// Every invocation's context object, and the request the dispatcher hands the pool, must share
// one hidden class. An accessor defined per object (the RIC's callbackWaitsForEmptyEventLoop
// getter/setter, a getter in an object literal) gives each its own; V8 keeps those maps in old
// space until a full GC, with everything they reach, which tripled the garbage-collection cost
// of a Lambda request (docs/lambda.md, "Garbage collection"). V8's own %HaveSameMap checks it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function sameMaps(script: string): string {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('two invocation contexts share one hidden class, and callbackWaitsForEmptyEventLoop is still theirs to set', () => {
  const out = sameMaps(`
    import { buildContext } from ${JSON.stringify(here('./context.ts'))};
    const cfg = { functionName: 'f', functionVersion: '$LATEST', invokedFunctionArn: 'arn', memorySize: 128, logGroupName: 'g', logStreamName: 's' };
    const completion = () => ({ callback() {}, done() {} });
    const a = buildContext(cfg, { requestId: 'a', deadline: Date.now() + 1000 }, completion());
    const b = buildContext(cfg, { requestId: 'b', deadline: Date.now() + 1000 }, completion());
    b.callbackWaitsForEmptyEventLoop = false;
    console.log(JSON.stringify({ same: %HaveSameMap(a, b), a: a.callbackWaitsForEmptyEventLoop, b: b.callbackWaitsForEmptyEventLoop, keys: Object.keys(a).includes('callbackWaitsForEmptyEventLoop') }));
  `);
  assert.deepEqual(JSON.parse(out), { same: true, a: true, b: false, keys: true });
});

test('two HTTP invocation requests share one hidden class; the abort signal is still read lazily', () => {
  const out = sameMaps(`
    import { HttpInvokeRequest } from ${JSON.stringify(here('../dispatch.ts'))};
    let reads = 0;
    const ctx = { get signal() { reads++; return new AbortController().signal; } };
    const a = new HttpInvokeRequest({ n: 1 }, 'a', 1, undefined, undefined, ctx);
    const b = new HttpInvokeRequest({ n: 2 }, 'b', 2, 'trace', { custom: {} }, ctx);
    const before = reads;
    const aborted = b.signal.aborted;
    console.log(JSON.stringify({ same: %HaveSameMap(a, b), before, after: reads, aborted }));
  `);
  assert.deepEqual(JSON.parse(out), { same: true, before: 0, after: 1, aborted: false });
});
