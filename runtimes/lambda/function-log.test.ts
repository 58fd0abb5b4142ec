import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stdoutLog } from './function-log.js';
import { endLine, reportLine, startLine, writeEnd, writeStart, type LineSink } from './worker/platform-lines.js';

const turn = () => new Promise<void>((r) => setImmediate(r));

function captured(): { log: ReturnType<typeof stdoutLog>; chunks: Array<Buffer | string>; text: () => string } {
  const chunks: Array<Buffer | string> = [];
  const log = stdoutLog((c) => chunks.push(c));
  return { log, chunks, text: () => chunks.map((c) => c.toString()).join('') };
}

test('the byte-built START/END/REPORT lines are exactly the string forms, for awkward figures too', async () => {
  const { log, text } = captured();
  const cases: Array<[string, number, number, number]> = [
    ['c0ffee00-0000-4000-8000-000000000001', 0.0049, 128, 0],
    ['c0ffee00-0000-4000-8000-000000000002', 0.005, 1024, 12],
    ['c0ffee00-0000-4000-8000-000000000003', 1.005, 10240, 10240],
    ['c0ffee00-0000-4000-8000-000000000004', 999.995, 3008, 99],
    ['c0ffee00-0000-4000-8000-000000000005', 1000, 1, 1],
    ['c0ffee00-0000-4000-8000-000000000006', 123456789.125, 512, 7],
    // not UUID-shaped, not ASCII: the Invoke API takes ids as they come
    ['ü-id/✓ 𝄞', 2.5, 256, 3],
  ];
  let expected = '';
  for (const [id, ms, mem, max] of cases) {
    log.start(id, '$LATEST');
    log.end(id, ms, mem, max);
    expected += `${startLine(id, '$LATEST')}\n${endLine(id)}\n${reportLine(id, ms, mem, max)}\n`;
  }
  log.start('x', 'v2 ünïcode');
  expected += `${startLine('x', 'v2 ünïcode')}\n`;
  await turn();
  assert.equal(text(), expected);
  assert.match(reportLine('a', 0.0049, 128, 0), /^REPORT RequestId: a\tDuration: 0\.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 0 MB\t$/);
});

test('figures the byte path cannot write (negative, fractional, enormous) fall back to the string form', async () => {
  const { log, text } = captured();
  log.end('a', -0.5, 128, 1);
  log.end('b', 1.5, 128.5, 1);
  log.end('c', 1.5, 128, -1);
  log.end('d', 1e16, 128, 1);
  log.end('e', NaN, 128, 1);
  await turn();
  const expected = [
    ['a', -0.5, 128, 1],
    ['b', 1.5, 128.5, 1],
    ['c', 1.5, 128, -1],
    ['d', 1e16, 128, 1],
    ['e', NaN, 128, 1],
  ]
    .map(([id, ms, mem, max]) => `${endLine(id as string)}\n${reportLine(id as string, ms as number, mem as number, max as number)}\n`)
    .join('');
  assert.equal(text(), expected);
});

test("one turn's lines leave in one write, in order, console lines and platform lines mixed", async () => {
  const { log, chunks, text } = captured();
  log.start('r1', '$LATEST');
  log('2026-11-27T00:00:00.000Z\tr1\tINFO\thällo wörld 👋');
  log.end('r1', 0.5, 128, 9);
  assert.equal(chunks.length, 0, 'nothing is written before the turn ends');
  await turn();
  assert.equal(chunks.length, 1);
  assert.equal(text(), `START RequestId: r1 Version: $LATEST\n2026-11-27T00:00:00.000Z\tr1\tINFO\thällo wörld 👋\nEND RequestId: r1\n${reportLine('r1', 0.5, 128, 9)}\n`);
  log('next turn');
  await turn();
  assert.equal(chunks.length, 2);
  assert.equal(chunks[1]!.toString(), 'next turn\n');
});

test('lines larger than the buffer, and a turn that overfills it, are written whole and in order', async () => {
  const { log, chunks, text } = captured();
  const big = 'é'.repeat(40_000); // 80,000 bytes of UTF-8, more than the 64 KiB buffer
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) lines.push(`line ${i} ${'x'.repeat(300)}`);
  for (const l of lines.slice(0, 200)) log(l);
  log(big);
  for (const l of lines.slice(200)) log(l);
  log.start('after', '$LATEST');
  await turn();
  assert.ok(chunks.length >= 3, `several writes (${chunks.length})`);
  assert.equal(text(), [...lines.slice(0, 200), big, ...lines.slice(200), startLine('after', '$LATEST')].join('\n') + '\n');
  // A written chunk is a copy: the buffer's reuse must not change what was handed over.
  const first = chunks[0]!.toString();
  log('overwrite '.repeat(1000));
  await turn();
  assert.equal(chunks[0]!.toString(), first);
});

test('a sink without the fast paths gets the same lines as strings', () => {
  const got: string[] = [];
  const sink: LineSink = (line) => got.push(line);
  writeStart(sink, 'r', '$LATEST');
  writeEnd(sink, 'r', 3.25, 256, 4);
  assert.deepEqual(got, [startLine('r', '$LATEST'), endLine('r'), reportLine('r', 3.25, 256, 4)]);
});

test('lines still buffered when the process exits are written', () => {
  const self = fileURLToPath(new URL('./function-log.ts', import.meta.url));
  const script = `import { stdoutLog } from ${JSON.stringify(self)};
const log = stdoutLog();
log.start('r-exit', '$LATEST');
log.end('r-exit', 1.25, 128, 5);
Reflect.apply(process.exit, process, [3]);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 3, r.stderr);
  assert.equal(r.stdout, `${startLine('r-exit', '$LATEST')}\n${endLine('r-exit')}\n${reportLine('r-exit', 1.25, 128, 5)}\n`);
});

test("REPORT's Duration is toFixed(2)'s figure for every kind of duration, ties and near-ties included", async () => {
  const { log, text } = captured();
  const durations: number[] = [0, 0.001, 0.005, 0.015, 0.125, 0.135, 1.005, 1.255, 2.675, 9.995, 99.995, 0.285, 1e7 - 0.005, 1e7, 2.5e7 + 0.125, Number.MIN_VALUE];
  for (let i = 0; i < 20_000; i++) durations.push(i / 1000, i / 200, (i + 0.5) / 100, Math.random() * 10, Math.random() * 60_000);
  let expected = '';
  for (const ms of durations) {
    log.end('r', ms, 128, 1);
    expected += `${endLine('r')}\n${reportLine('r', ms, 128, 1)}\n`;
  }
  await turn();
  assert.equal(text(), expected);
});

test('END/REPORT name the right request whether its START is in this turn, an earlier one, or behind another START', async () => {
  const { log, text } = captured();
  let expected = '';
  log.start('a', '$LATEST');
  log.start('b', '$LATEST');
  log.end('a', 1, 128, 1);
  log.end('b', 2, 128, 1);
  expected += `${startLine('a', '$LATEST')}\n${startLine('b', '$LATEST')}\n${endLine('a')}\n${reportLine('a', 1, 128, 1)}\n${endLine('b')}\n${reportLine('b', 2, 128, 1)}\n`;
  log.start('c', 'v7');
  await turn();
  // written where the earlier turn's bytes were: what END copies must be c's id, not this
  const between = `between ${'-'.repeat(1000)}`;
  log(between);
  log.end('c', 3, 256, 2);
  expected += `${startLine('c', 'v7')}\n${between}\n${endLine('c')}\n${reportLine('c', 3, 256, 2)}\n`;
  await turn();
  assert.equal(text(), expected);
});
