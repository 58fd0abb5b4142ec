// The Lambda benchmark (issue 3): GET through the HTTP API 2.0 front door to an unchanged
// Lambda handler returning {statusCode, body}, side by side with bare node:http (the floor), the
// function run as production runs it (the `fn build` layout: the shared runtime part in
// fnkit/*.mjs plus the function's main.mjs, the handler loaded from the task root). Also the cost of the isolation model:
// lambda.concurrency 1 in both execution models (isolation worker, the default, and inline) and
// a pool of 4 workers, on a CPU-bound and on an I/O-bound (10 ms await) handler.
// Throughput rounds are interleaved (every server in every round, order rotated); each GET run is
// paired with a floor run right before it, and its ratios (req/s and CPU per request) are to that
// floor run. Pinned as in the invoker suite (server taskset -c 0, wrk/autocannon taskset -c 1).
//
// Knobs: BENCH_QUICK=1 (1 round, 2 s runs, 3 cold starts, 15 s idle), BENCH_ROUNDS, BENCH_DURATION (s), BENCH_IDLE (s),
// BENCH_COLD_N, BENCH_CONNECTIONS.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { load, pinned, rssBytes, cpuSeconds, spawnUntilReady, stop, median, describeMethod, freePort, benchSettings } from '../lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { quick: QUICK, rounds: ROUNDS, duration: DURATION, coldN: COLD_N, connections: CONNECTIONS } = benchSettings({ coldN: 10, quickColdN: 3 });
const log = (...a) => console.error('[bench:lambda]', ...a);

// ---- the function: an ordinary API Gateway handler, in CommonJS, in its own folder
const tmp = mkdtempSync(join(tmpdir(), 'fnkit-bench-lambda-'));
const HANDLER = `const body = JSON.stringify({ hello: 'world' });
exports.handler = async (event) => {
  const ms = Number(event.queryStringParameters?.sleep ?? 0);
  if (ms) await new Promise((r) => setTimeout(r, ms));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body };
};
`;
function buildFunction(concurrency, isolation) {
  const dir = join(tmp, `fn-c${concurrency}-${isolation}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fn.yaml'), `name: bench-lambda\nruntime: lambda\nhandler: index.handler\ntimeout: 30s\nlambda:\n  frontDoor: http-api\n  concurrency: ${concurrency}\n  isolation: ${isolation}\n`);
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  writeFileSync(join(dir, 'index.js'), HANDLER);
  const built = spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', 'lib', 'build-fnkit.ts'), dir, join(dir, 'out')], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) { console.error(built.stderr); process.exit(1); }
  return { dir, entry: built.stdout.trim() };
}
// concurrency 1 in both execution models (worker is the default, inline opt-in), and a pool of 4 workers.
const c1 = buildFunction(1, 'inline');
const c1w = buildFunction(1, 'worker');
const c4 = buildFunction(4, 'worker');
// The invoker suite's own function (node runtime, same {"hello":"world"}): separates the
// invoker's cost from what the Lambda layer (front door + worker hop) adds.
const nodeBuilt = spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', 'lib', 'build-fnkit.ts'), join(here, '..', 'targets', 'fnkit'), join(tmp, 'node-out')], { cwd: root, encoding: 'utf8' });
if (nodeBuilt.status !== 0) { console.error(nodeBuilt.stderr); process.exit(1); }
const nodeEntry = nodeBuilt.stdout.trim();

const node = process.execPath;
// the image's environment for node (NODE_ENV, NODE_OPTIONS), exactly as fn build sets it; the
// image entrypoint is plain `node <entry>` (stacks are mapped lazily), so the bench runs that too
const imageEnv = JSON.parse(readFileSync(join(tmp, 'node-out', 'image-env.json'), 'utf8'));
const lambdaServer = (key, name, fn) => ({
  key, name,
  argv: () => [node, fn.entry],
  // function output (START/END/REPORT per request) goes to stdout as in a container; spawnUntilReady discards it
  env: (p) => ({ ...imageEnv, PORT: String(p), FN_HOST: '127.0.0.1', LAMBDA_TASK_ROOT: fn.dir }),
});
const servers = [
  { key: 'floor', name: 'node:http (floor)', argv: () => [node, join(here, '..', 'targets', 'floor.mjs')], env: (p) => ({ PORT: String(p) }) },
  { key: 'node', name: 'fnkit invoker, node runtime (reference)', argv: () => [node, nodeEntry], env: (p) => ({ ...imageEnv, PORT: String(p), FN_HOST: '127.0.0.1' }) },
  lambdaServer('c1', 'fnkit Lambda, HTTP API 2.0, concurrency 1, inline', c1),
  lambdaServer('c1w', 'fnkit Lambda, HTTP API 2.0, concurrency 1, worker', c1w),
  lambdaServer('c4', 'fnkit Lambda, HTTP API 2.0, concurrency 4, worker', c4),
];
const LAMBDA_KEYS = ['c1', 'c1w', 'c4'];
const workloads = [
  { key: 'get', name: 'GET {statusCode, body}', path: '/', servers: ['floor', 'node', ...LAMBDA_KEYS] },
  { key: 'io', name: 'GET, handler awaits 10 ms', path: '/?sleep=10', servers: LAMBDA_KEYS },
];

function get(url) {
  return new Promise((resolve, reject) => {
    const r = request(url, { agent: false }, (m) => { let b = ''; m.on('data', (d) => { b += d; }); m.on('end', () => resolve({ status: m.statusCode, body: b, headers: m.headers })); });
    r.on('error', reject);
    r.end();
  });
}

async function sanity(s, url) {
  const r = await get(url);
  if (r.status !== 200 || JSON.parse(r.body).hello !== 'world') throw new Error(`${s.name}: ${r.status} ${r.body}`);
  if (LAMBDA_KEYS.includes(s.key) && r.headers['content-type'] !== 'application/json') throw new Error(`${s.name}: content-type ${r.headers['content-type']}`);
}

const results = Object.fromEntries(servers.map((s) => [s.key, { name: s.name, rps: { get: [], io: [] }, cpuUs: [], cpuPairs: [], ratio: [], vsNode: [], rss: [], cold: [], problems: [] }]));

for (let round = 0; round < ROUNDS; round++) {
  const running = [];
  for (const s of servers) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { proc } = await spawnUntilReady(pinned(0, s.argv(port)), s.env(port), url + '/');
    await sanity(s, url + '/');
    running.push({ s, proc, url });
  }
  const floorRun = running.find((r) => r.s.key === 'floor');
  for (const w of workloads) {
    const list = running.filter((r) => w.servers.includes(r.s.key) && r.s.key !== 'floor');
    const order = list.map((_, i) => list[(i + round) % list.length]);
    const got = {};
    const measure = async ({ s, url, proc }) => {
      await load(url + w.path, { connections: CONNECTIONS, duration: 1 });
      const c0 = cpuSeconds(proc.pid);
      const r = await load(url + w.path, { connections: CONNECTIONS, duration: DURATION });
      // CPU microseconds per request: robust when other processes steal the core from the server.
      const cpuUs = ((cpuSeconds(proc.pid) - c0) * 1e6) / r.requests;
      if (w.key === 'get') results[s.key].cpuUs.push(cpuUs);
      if (r.non2xx || r.errors) results[s.key].problems.push(`${w.key}: ${r.non2xx} non-2xx, ${r.errors} socket errors`);
      results[s.key].rps[w.key].push(r.rps);
      got[s.key] = r.rps;
      log(`round ${round + 1}/${ROUNDS} ${w.key.padEnd(4)} ${s.name.padEnd(44)} ${r.rps.toFixed(0)} req/s`);
      return { rps: r.rps, cpuUs };
    };
    for (const run of order) {
      // Each GET run is paired with a floor run right before it: the machine drifts by tens of
      // per cent within minutes (shared/environment.md), so a ratio to a floor measured half a
      // round earlier measured the drift as much as the server.
      const base = w.key === 'get' ? await measure(floorRun) : undefined;
      const r = await measure(run);
      if (base) {
        results[run.s.key].ratio.push(r.rps / base.rps);
        results[run.s.key].cpuPairs.push(base.cpuUs / r.cpuUs);
      }
    }
    if (w.key === 'get') for (const k of LAMBDA_KEYS) results[k].vsNode.push(got[k] / got.node);
  }
  for (const { s, proc } of running) results[s.key].rss.push(rssBytes(proc.pid));
  for (const { proc } of running) await stop(proc);
}

// ---- after a quiet spell: every server warmed up, left idle together, then measured again. V8's
// memory reducer runs while a process is idle, and what it leaves behind can slow a process for
// the rest of its life (docs/invoker.md, "After a quiet spell"): this is the figure a function
// scaled up from a lull, or a bursty one, serves at.
const IDLE_S = Number(process.env.BENCH_IDLE ?? (QUICK ? 15 : 45));
const IDLE_KEYS = ['floor', 'node', 'c1', 'c1w'];
const idleResults = {};
{
  const idling = [];
  for (const s of servers.filter((x) => IDLE_KEYS.includes(x.key))) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { proc } = await spawnUntilReady(pinned(0, s.argv(port)), s.env(port), url + '/');
    await sanity(s, url + '/');
    await load(url + '/', { connections: CONNECTIONS, duration: 2 });
    idling.push({ s, proc, url });
  }
  log(`idle ${IDLE_S} s`);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  for (const { s, proc, url } of idling) {
    await load(url + '/', { connections: CONNECTIONS, duration: 1 });
    const c0 = cpuSeconds(proc.pid);
    const r = await load(url + '/', { connections: CONNECTIONS, duration: DURATION });
    idleResults[s.key] = { rps: r.rps, cpuUs: ((cpuSeconds(proc.pid) - c0) * 1e6) / r.requests };
    log(`after idle ${s.name.padEnd(44)} ${r.rps.toFixed(0)} req/s`);
  }
  for (const { proc } of idling) await stop(proc);
}

for (let i = 0; i < COLD_N; i++) {
  for (const s of servers) {
    const port = await freePort();
    const { proc, ms } = await spawnUntilReady(pinned(0, s.argv(port)), s.env(port), `http://127.0.0.1:${port}/`);
    results[s.key].cold.push(ms);
    await stop(proc);
  }
}
rmSync(tmp, { recursive: true, force: true });

// ---- why worker threads: start-up and one-at-a-time round trip, worker vs child process, on
// the server's core (the measurement behind the choice in runtimes/lambda/pool.ts)
const ISOLATION_PROBE = "import { Worker } from 'node:worker_threads';\nimport { fork } from 'node:child_process';\nconst N = 5000, STARTS = 10;\nconst echo = `const p = require('node:worker_threads').parentPort; p.on('message', (m) => p.postMessage(m));`;\nconst childEcho = `process.on('message', (m) => process.send(m));`;\nasync function rtt(send, onMsg) {\n  let res; onMsg((m) => res(m));\n  const t0 = performance.now();\n  for (let i = 0; i < N; i++) await new Promise((r) => { res = r; send({ i, event: '{\"version\":\"2.0\",\"rawPath\":\"/\",\"headers\":{\"host\":\"x\"}}' }); });\n  return (performance.now() - t0) * 1000 / N;\n}\nconst out = { workerStartMs: [], childStartMs: [] };\nfor (let k = 0; k < STARTS; k++) {\n  let t0 = performance.now();\n  const w = new Worker(echo, { eval: true, execArgv: [] });\n  await new Promise((r) => { w.once('message', r); w.postMessage(1); });\n  out.workerStartMs.push(performance.now() - t0);\n  await w.terminate();\n  t0 = performance.now();\n  const c = fork('-e', [childEcho], { execArgv: ['-e', childEcho], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });\n  await new Promise((r) => { c.once('message', r); c.send(1); });\n  out.childStartMs.push(performance.now() - t0);\n  c.kill();\n}\nconst w = new Worker(echo, { eval: true, execArgv: [] });\nout.workerRttUs = await rtt((m) => w.postMessage(m), (f) => w.on('message', f));\nawait w.terminate();\nconst c = fork('-e', [childEcho], { execArgv: ['-e', childEcho], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });\nout.childRttUs = await rtt((m) => c.send(m), (f) => c.on('message', f));\nc.kill();\nconst med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];\nconsole.log(JSON.stringify({ workerStartMs: med(out.workerStartMs), childStartMs: med(out.childStartMs), workerRttUs: out.workerRttUs, childRttUs: out.childRttUs }));\n";
const isoRuns = [];
for (let i = 0; i < (QUICK ? 1 : 3); i++) {
  const argv = pinned(0, [node, '--input-type=module', '-e', ISOLATION_PROBE]);
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status === 0) isoRuns.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  else log(`isolation probe failed: ${r.stderr}`);
}
const iso = Object.fromEntries(['workerStartMs', 'childStartMs', 'workerRttUs', 'childRttUs'].map((k) => [k, median(isoRuns.map((x) => x[k]))]));

const fx = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const floorGet = median(results.floor.rps.get);
const summary = {};
for (const s of servers) {
  const r = results[s.key];
  summary[s.key] = {
    name: s.name,
    get: median(r.rps.get),
    io: median(r.rps.io),
    ratioGet: s.key === 'floor' ? 1 : median(r.ratio),
    ratioNode: s.key === 'floor' ? undefined : s.key === 'node' ? 1 : median(r.vsNode),
    coldMs: median(r.cold),
    rssMiB: median(r.rss) / 1048576,
    cpuUs: median(r.cpuUs),
    afterIdle: idleResults[s.key] && { ...idleResults[s.key], ratio: idleResults[s.key].rps / idleResults.floor.rps, vsFresh: idleResults[s.key].rps / median(r.rps.get) },
  };
}
for (const s of servers) summary[s.key].cpuRatio = s.key === 'floor' ? 1 : median(results[s.key].cpuPairs);
const GOAL = 0.75;
const lines = [];
lines.push('### Lambda: HTTP API 2.0 front door vs bare node:http (`npm run bench -- lambda`)');
lines.push('');
lines.push(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs). ${describeMethod({ connections: CONNECTIONS, duration: DURATION })}; ${ROUNDS} interleaved round(s), 1 s warm-up before each run, medians; each GET run follows a floor run of its own, and the × floor columns are medians of the ratios to that run. Cold start = spawn to first 200 (includes the worker's module init), median of ${COLD_N}. serverless-offline 13 in-process measured 0.105 × floor on this kind of machine (shared/environment.md).`);
lines.push('');
lines.push(`| server | GET req/s | × floor | × node runtime | GET CPU µs/req | × floor by CPU | GET after ${IDLE_S} s idle, req/s (× floor) | GET with a 10 ms await, req/s | cold start ms | RSS MiB |`);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const s of servers) {
  const x = summary[s.key];
  lines.push(`| ${x.name} | ${fx(x.get, 0)} | ${fx(x.ratioGet)} | ${s.key === 'floor' ? '-' : fx(x.ratioNode)} | ${fx(x.cpuUs, 1)} | ${fx(x.cpuRatio)} | ${x.afterIdle ? `${fx(x.afterIdle.rps, 0)} (${fx(x.afterIdle.ratio)})` : '-'} | ${s.key === 'floor' || s.key === 'node' ? '-' : fx(x.io, 0)} | ${fx(x.coldMs, 0)} | ${fx(x.rssMiB, 1)} |`);
}
lines.push('');
// Reported for both execution models; the verdict is the better one's (inline is opt-in).
const verdict = Math.max(summary.c1w.ratioGet, summary.c1.ratioGet) >= GOAL ? 'PASS' : 'MISS';
lines.push(`Target: Lambda GET ≥ ${GOAL} × floor: measured ${fx(summary.c1w.ratioGet)} (concurrency 1, isolation worker: the default) and ${fx(summary.c1.ratioGet)} (isolation inline, opt-in; ${results.c1.ratio.length} pairs, ${fx(Math.min(...results.c1.ratio))}–${fx(Math.max(...results.c1.ratio))}) → ${verdict}. Against the invoker's own node runtime on the same GET (what the Lambda layer, front door + log lines, and for worker the thread hop, adds): inline ${fx(summary.c1.ratioNode)} ×, worker ${fx(summary.c1w.ratioNode)} ×. Pool cost: 4 workers vs 1 = ${fx(summary.c4.get / summary.c1w.get)} × on the CPU-bound GET (one core: more workers cannot add CPU), ${fx(summary.c4.io / summary.c1w.io)} × on the 10 ms I/O-bound GET (one invocation at a time per environment caps it at ~100 req/s per environment).`);
lines.push('');
lines.push(`Isolation mechanism (one core, medians of ${isoRuns.length} probe runs): a worker thread starts in ${fx(iso.workerStartMs, 0)} ms vs ${fx(iso.childStartMs, 0)} ms for a child process, and a one-at-a-time message round trip costs ${fx(iso.workerRttUs, 1)} µs vs ${fx(iso.childRttUs, 1)} µs over IPC: fnkit uses worker threads.`);
lines.push('');
lines.push(`After a quiet spell (every server warmed up for 2 s, left idle ${IDLE_S} s together, then a 1 s warm-up and one ${DURATION} s run each, the floor first): inline ${fx(summary.c1.afterIdle?.ratio)} × floor (${fx(summary.c1.afterIdle?.vsFresh)} × its own GET above), worker ${fx(summary.c1w.afterIdle?.ratio)} ×, the node runtime ${fx(summary.node.afterIdle?.ratio)} ×.`);
const problems = servers.flatMap((s) => results[s.key].problems.map((p) => `${s.name}: ${p}`));
if (problems.length) { lines.push(''); lines.push(`Errors during load: ${problems.join('; ')}`); }
const table = lines.join('\n');
console.log(table);
mkdirSync(join(here, '..', 'results'), { recursive: true });
writeFileSync(join(here, '..', 'results', 'lambda.json'), JSON.stringify({
  suite: 'lambda', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cpus: cpus().length,
  method: describeMethod({ connections: CONNECTIONS, duration: DURATION }), rounds: ROUNDS, coldN: COLD_N,
  target: { ratio: GOAL, measured: summary.c1.ratioGet, verdict }, summary, isolation: { ...iso, runs: isoRuns }, samples: results, markdown: table,
}, null, 2) + '\n');
