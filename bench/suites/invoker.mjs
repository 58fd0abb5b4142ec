// The invoker benchmark (issue 2): bare node:http (the floor), bare fastify, the fnkit invoker as
// production runs it (the `fn build` image layout: minified runtime part in fnkit/*.mjs plus the
// function's main.mjs, NODE_ENV=production, plain `node main.mjs` as the image entrypoint), and faas-js-runtime, side by side in one run.
// Throughput rounds are interleaved (every server in every round, order rotated), then cold
// start (spawn → first 200, interleaved) and RSS after load. Ratios are to the floor.
//
// Knobs: BENCH_QUICK=1 (1 round, 2 s runs, 5 cold starts), BENCH_ROUNDS, BENCH_DURATION (s),
// BENCH_COLD_N, BENCH_CONNECTIONS.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { load, pinned, rssBytes, cpuSeconds, spawnUntilReady, stop, median, describeMethod, probe, freePort, benchSettings } from '../lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const { quick: QUICK, rounds: ROUNDS, duration: DURATION, coldN: COLD_N, connections: CONNECTIONS } = benchSettings({ coldN: 15, quickColdN: 5 });
const WARMUP = 1; // seconds of load before each measured run
const log = (...a) => console.error('[bench:invoker]', ...a);

// ---- build the fnkit function the way `fn build` does
const tmp = mkdtempSync(join(tmpdir(), 'fnkit-bench-'));
const built = spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', 'lib', 'build-fnkit.ts'), join(here, '..', 'targets', 'fnkit'), join(tmp, 'fnkit')], { cwd: root, encoding: 'utf8' });
if (built.status !== 0) { console.error(built.stderr); process.exit(1); }
const fnkitEntry = built.stdout.trim();
const builtAsync = spawnSync(process.execPath, ['--import', 'tsx', join(here, '..', 'lib', 'build-fnkit.ts'), join(here, '..', 'targets', 'fnkit-async'), join(tmp, 'fnkit-async')], { cwd: root, encoding: 'utf8' });
if (builtAsync.status !== 0) { console.error(builtAsync.stderr); process.exit(1); }
const fnkitAsyncEntry = builtAsync.stdout.trim();
// the image's environment for node (NODE_ENV, NODE_OPTIONS), exactly as fn build sets it
const imageEnv = JSON.parse(readFileSync(join(tmp, 'fnkit', 'image-env.json'), 'utf8'));

let faasVersion = 'not installed';
let faasCli;
try {
  const pkg = require.resolve('faas-js-runtime/package.json');
  faasVersion = JSON.parse(readFileSync(pkg, 'utf8')).version;
  faasCli = join(dirname(pkg), 'bin', 'cli.js');
} catch { /* reported below */ }

const node = process.execPath;
const servers = [
  { key: 'floor', name: 'node:http (floor)', argv: (p) => [node, join(here, '..', 'targets', 'floor.mjs')], env: (p) => ({ PORT: String(p) }) },
  { key: 'fastify', name: 'fastify (bare)', argv: () => [node, join(here, '..', 'targets', 'fastify.mjs')], env: (p) => ({ PORT: String(p) }) },
  { key: 'fnkit', name: 'fnkit invoker', argv: () => [node, fnkitEntry], env: (p) => ({ ...imageEnv, PORT: String(p), FN_HOST: '127.0.0.1' }) },
  // Not a target: the same handler declared `async`, tracked per request (AsyncLocalStorage).
  { key: 'fnkitAsync', name: 'fnkit invoker, async handler', argv: () => [node, fnkitAsyncEntry], env: (p) => ({ ...imageEnv, PORT: String(p), FN_HOST: '127.0.0.1' }) },
];
if (faasCli) servers.push({ key: 'faasjs', name: `faas-js-runtime ${faasVersion}`, argv: (p) => [node, faasCli, join(here, '..', 'targets', 'faas-js', 'handler.cjs'), '--port', String(p)], env: () => ({ NODE_ENV: 'production' }) });

const echoBody = JSON.stringify({ items: Array.from({ length: 16 }, (_, i) => ({ id: i, name: `item-${i}`, tags: ['a', 'b'], price: i * 1.5 })) }).slice(0, 1000);
const echoDoc = JSON.stringify({ pad: 'x'.repeat(1024 - 10) });
const workloads = [
  { key: 'hello', name: 'GET JSON hello', req: { method: 'GET' } },
  { key: 'echo', name: 'POST 1 KiB JSON echo', req: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: echoDoc } },
  {
    key: 'ce', name: 'CloudEvent binary → reply event',
    req: { method: 'POST', headers: { 'Content-Type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'bench-1', 'ce-source': '/bench/client', 'ce-type': 'bench.request' }, body: '{"order":42,"items":["a","b","c"]}' },
  },
];
void echoBody;

/** Checks a server answers each workload correctly before any number is taken from it. */
async function sanity(s, url) {
  const { request } = await import('node:http');
  for (const w of workloads) {
    const res = await new Promise((resolve, reject) => {
      const r = request(url, { method: w.req.method, headers: w.req.headers, agent: false }, (m) => { let b = ''; m.on('data', (d) => { b += d; }); m.on('end', () => resolve({ status: m.statusCode, headers: m.headers, body: b })); });
      r.on('error', reject);
      r.end(w.req.body);
    });
    if (res.status !== 200) throw new Error(`${s.name} ${w.key}: status ${res.status} ${res.body}`);
    if (w.key === 'ce' && !res.headers['ce-id']) throw new Error(`${s.name} did not answer the CloudEvent with an event: ${JSON.stringify(res.headers)}`);
    if (w.key === 'echo' && JSON.parse(res.body).pad?.length !== 1014) throw new Error(`${s.name} echo mismatch`);
  }
}

const results = Object.fromEntries(servers.map((s) => [s.key, { name: s.name, rps: { hello: [], echo: [], ce: [] }, cpuUs: { hello: [], echo: [], ce: [] }, rss: [], cold: [], problems: [] }]));

// ---- throughput rounds
for (let round = 0; round < ROUNDS; round++) {
  const running = [];
  for (const s of servers) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const { proc } = await spawnUntilReady(pinned(0, s.argv(port)), s.env(port), url);
    await sanity(s, url);
    running.push({ s, proc, url });
  }
  for (const w of workloads) {
    const order = running.map((_, i) => running[(i + round) % running.length]);
    for (const { s, url, proc } of order) {
      await load(url, { ...w.req, connections: CONNECTIONS, duration: WARMUP });
      const c0 = cpuSeconds(proc.pid);
      const r = await load(url, { ...w.req, connections: CONNECTIONS, duration: DURATION });
      // CPU microseconds per request: robust when other processes steal the core from the server.
      results[s.key].cpuUs[w.key].push(((cpuSeconds(proc.pid) - c0) * 1e6) / r.requests);
      if (r.non2xx || r.errors) results[s.key].problems.push(`${w.key}: ${r.non2xx} non-2xx, ${r.errors} socket errors`);
      results[s.key].rps[w.key].push(r.rps);
      log(`round ${round + 1}/${ROUNDS} ${w.key.padEnd(5)} ${s.name.padEnd(26)} ${r.rps.toFixed(0)} req/s, ${results[s.key].cpuUs[w.key].at(-1).toFixed(1)} CPU µs/req`);
    }
  }
  for (const { s, proc } of running) results[s.key].rss.push(rssBytes(proc.pid));
  for (const { proc } of running) await stop(proc);
}

// ---- cold start: spawn → first 200, interleaved. The extra fnkit row shows what
// --enable-source-maps (the image entrypoint before lazy stack mapping) costs at start: Node
// reads and parses every source map of the bundle then.
const coldOnly = { key: 'fnkitWithMaps', name: 'fnkit invoker with --enable-source-maps', argv: () => [node, '--enable-source-maps', fnkitEntry], env: (p) => ({ ...imageEnv, PORT: String(p), FN_HOST: '127.0.0.1' }) };
results.fnkitWithMaps = { name: coldOnly.name, cold: [] };
for (let i = 0; i < COLD_N; i++) {
  for (const s of [...servers, coldOnly]) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    const { proc, ms } = await spawnUntilReady(pinned(0, s.argv(port)), s.env(port), url);
    results[s.key].cold.push(ms);
    await stop(proc);
  }
}
log(`cold starts done (${COLD_N} each)`);
rmSync(tmp, { recursive: true, force: true });

// ---- report
const floor = results.floor;
const summary = {};
for (const s of servers) {
  const r = results[s.key];
  const m = { hello: median(r.rps.hello), echo: median(r.rps.echo), ce: median(r.rps.ce), coldMs: median(r.cold), rssMiB: median(r.rss) / 1048576 };
  const f = { hello: median(floor.rps.hello), echo: median(floor.rps.echo), ce: median(floor.rps.ce), coldMs: median(floor.cold), rssMiB: median(floor.rss) / 1048576 };
  m.cpuUs = { hello: median(r.cpuUs.hello), echo: median(r.cpuUs.echo), ce: median(r.cpuUs.ce) };
  const fc = { hello: median(floor.cpuUs.hello), echo: median(floor.cpuUs.echo), ce: median(floor.cpuUs.ce) };
  m.cpuRatio = { hello: fc.hello / m.cpuUs.hello, echo: fc.echo / m.cpuUs.echo, ce: fc.ce / m.cpuUs.ce };
  summary[s.key] = { name: s.name, ...m, ratio: { hello: m.hello / f.hello, echo: m.echo / f.echo, ce: m.ce / f.ce, cold: m.coldMs / f.coldMs, rss: m.rssMiB / f.rssMiB }, raw: r };
}
const targets = [
  ['hello', 'GET hello throughput', 0.9, '>='],
  ['echo', 'POST 1 KiB echo throughput', 0.85, '>='],
  ['ce', 'CloudEvent throughput', 0.75, '>='],
  ['cold', 'cold start', 1.5, '<='],
  ['rss', 'RSS after load', 1.25, '<='],
];
const fx = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const lines = [];
lines.push('### Invoker: throughput, cold start, memory (`npm run bench`, suite `invoker`)');
lines.push('');
lines.push(`Node ${process.version}, ${process.platform}/${process.arch}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} CPUs). ${describeMethod({ connections: CONNECTIONS, duration: DURATION })}; ${ROUNDS} interleaved round(s), 1 s warm-up before each run, medians; cold start = spawn to first 200, median of ${COLD_N}; RSS = VmRSS after the round's load. faas-js-runtime ${faasVersion} ${faasCli ? 'runs on this Node' : 'could not be found'}.`);
lines.push('');
lines.push('| server | GET hello req/s | × floor | POST 1 KiB echo req/s | × floor | CloudEvent req/s | × floor | cold start ms | × floor | RSS MiB | × floor |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const s of servers) {
  const x = summary[s.key];
  lines.push(`| ${x.name} | ${fx(x.hello, 0)} | ${fx(x.ratio.hello)} | ${fx(x.echo, 0)} | ${fx(x.ratio.echo)} | ${fx(x.ce, 0)} | ${fx(x.ratio.ce)} | ${fx(x.coldMs, 0)} | ${fx(x.ratio.cold)} | ${fx(x.rssMiB, 1)} | ${fx(x.ratio.rss)} |`);
}
lines.push('');
lines.push('CPU time per request (server process user+system CPU during the measured run ÷ requests; less sensitive to a busy machine than req/s). "× floor" here is floor CPU ÷ server CPU, i.e. the throughput ratio on a dedicated core.');
lines.push('');
lines.push('| server | hello µs/req | × floor | echo µs/req | × floor | CloudEvent µs/req | × floor |');
lines.push('|---|---:|---:|---:|---:|---:|---:|');
for (const s of servers) {
  const x = summary[s.key];
  lines.push(`| ${x.name} | ${fx(x.cpuUs.hello, 1)} | ${fx(x.cpuRatio.hello)} | ${fx(x.cpuUs.echo, 1)} | ${fx(x.cpuRatio.echo)} | ${fx(x.cpuUs.ce, 1)} | ${fx(x.cpuRatio.ce)} |`);
}
lines.push('');
lines.push('| fnkit target (ratio to floor) | goal | measured (req/s) | verdict | by CPU/request |');
lines.push('|---|---:|---:|---|---:|');
const verdicts = {};
for (const [k, name, goal, op] of targets) {
  const v = summary.fnkit.ratio[k];
  const ok = op === '>=' ? v >= goal : v <= goal;
  verdicts[k] = ok ? 'PASS' : 'MISS';
  const byCpu = summary.fnkit.cpuRatio[k];
  lines.push(`| ${name} | ${op === '>=' ? '≥' : '≤'} ${goal} | ${fx(v)} | ${verdicts[k]} | ${byCpu === undefined ? '' : `${fx(byCpu)} ${(byCpu >= goal) ? 'PASS' : 'MISS'}`} |`);
}
lines.push('');
const xa = summary.fnkitAsync;
lines.push(`The targets are the plain handler's (\`bench/targets/fnkit\`). The same handler declared \`async\` (\`bench/targets/fnkit-async\`), whose every request runs in its own async context: hello ${fx(xa.ratio.hello)}, echo ${fx(xa.ratio.echo)}, CloudEvent ${fx(xa.ratio.ce)} × floor by req/s (${fx(xa.cpuRatio.hello)} / ${fx(xa.cpuRatio.echo)} / ${fx(xa.cpuRatio.ce)} by CPU).`);
lines.push('');
lines.push(`Cold start of the same fnkit bundle with \`--enable-source-maps\` (the entrypoint before lazy stack mapping): ${fx(median(results.fnkitWithMaps.cold), 0)} ms (${fx(median(results.fnkitWithMaps.cold) / median(floor.cold))} × floor).`);
const problems = servers.flatMap((s) => results[s.key].problems.map((p) => `${s.name}: ${p}`));
if (problems.length) { lines.push(''); lines.push(`Errors during load: ${problems.join('; ')}`); }
const table = lines.join('\n');
console.log(table);
mkdirSync(join(here, '..', 'results'), { recursive: true });
writeFileSync(join(here, '..', 'results', 'invoker.json'), JSON.stringify({
  suite: 'invoker', date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cpus: cpus().length,
  method: describeMethod({ connections: CONNECTIONS, duration: DURATION }), rounds: ROUNDS, coldN: COLD_N, faasJsRuntime: faasVersion,
  coldStartWithSourceMapsMs: median(results.fnkitWithMaps.cold),
  summary: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, { ...v, raw: undefined, samples: v.raw }])), targets: verdicts, markdown: table,
}, null, 2) + '\n');
void probe;
