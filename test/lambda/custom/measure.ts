// Figures for docs/lambda-custom.md. Not a test: run with
//   node --import tsx test/lambda/custom/measure.ts
// Cold start (spawn to the first /next) and warm invocations per second through the Invoke API
// for three custom runtimes, side by side with the Node worker pool on the same handler logic.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon';
import { createBootstrapInvoker } from '../../../runtimes/lambda/custom/bootstrap-invoker.js';
import { lambdaRuntime } from '../../../runtimes/lambda/index.js';
import { createInvoker } from '../../../invoker/server.js';
import { DEFAULT_SETTINGS } from '../../../invoker/config.js';
import type { Runtime } from '../../../runtimes/types.js';
import { serveInvoker } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const quiet = () => {};

async function cold(taskRoot: string, handler: string, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const inv = createBootstrapInvoker({ taskRoot, handler, name: 'm', timeout: 10, memorySize: 128, env: {}, log: quiet, initTimeoutMs: 20_000 });
    const t0 = performance.now();
    await inv.init();
    times.push(performance.now() - t0);
    await inv.shutdown();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function rps(url: string, body: string, seconds = 4): Promise<number> {
  const r: { non2xx: number; errors: number; requests: { average: number } } = await autocannon({ url: `${url}/2015-03-31/functions/function/invocations`, method: 'POST', body, connections: 8, duration: seconds });
  if (r.non2xx || r.errors) throw new Error(`non-2xx ${r.non2xx} errors ${r.errors}`);
  return r.requests.average;
}

async function servePool(): Promise<{ url: string; close(): Promise<void> }> {
  const runtime: Runtime = lambdaRuntime({ handler: 'index.handler', name: 'm', timeout: 10, config: { frontDoor: 'raw' }, taskRoot: join(here, 'fixtures', 'ric-js') }, { log: quiet });
  const inv = createInvoker({ runtime, settings: { ...DEFAULT_SETTINGS, host: '127.0.0.1', logLevel: 'silent' } });
  await inv.start();
  return { url: await inv.listen(0, '127.0.0.1'), close: () => inv.drain(1000) };
}

const rows: Array<[string, number | string, number | string]> = [];
const targets = [
  { label: 'bash + curl (examples/lambda-bootstrap-bash)', root: join(root, 'examples', 'lambda-bootstrap-bash'), handler: 'function.handler', body: '{"rawPath":"/m"}' },
  { label: 'Node fetch client (test fixture node-multi)', root: join(here, 'fixtures', 'node-multi'), handler: 'x.y', body: '{}' },
  { label: 'aws-lambda-ric 3.3.0 via npx (test fixture ric-js)', root: join(here, 'fixtures', 'ric-js'), handler: 'index.handler', body: '{}' },
];
for (const t of targets) {
  const c = await cold(t.root, t.handler);
  const s = await serveInvoker(createBootstrapInvoker({ taskRoot: t.root, handler: t.handler, name: 'm', timeout: 10, memorySize: 128, env: {}, log: quiet, initTimeoutMs: 20_000 }), { name: 'm', timeout: 10 });
  await rps(s.url, t.body, 1); // warm-up
  const r = await rps(s.url, t.body);
  await s.close();
  rows.push([t.label, Math.round(c), Math.round(r)]);
}
const pool = await servePool();
await rps(pool.url, '{}', 1);
rows.push(['fnkit Node worker pool, same handler as ric-js (lambda.concurrency 1)', '-', Math.round(await rps(pool.url, '{}'))]);
await pool.close();

console.log(`Node ${process.version}, ${new Date().toISOString()}`);
console.log('| runtime | cold start ms (median of 5) | Invoke API req/s (8 connections, one process) |');
console.log('|---|---|---|');
for (const [a, b, c] of rows) console.log(`| ${a} | ${b} | ${c} |`);
