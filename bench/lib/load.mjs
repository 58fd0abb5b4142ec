// Load generation and process measurement for bench suites: wrk when installed, else autocannon;
// the load generator pinned to one core (taskset), servers to another.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
export const hasTaskset = has('taskset') && spawnSync('taskset', ['-c', '1', 'true']).status === 0;
export const hasWrk = has('wrk');

export function pinned(core, argv) {
  return hasTaskset ? ['taskset', '-c', String(core), ...argv] : argv;
}

export function describeMethod({ connections, duration }) {
  const gen = hasWrk ? `wrk (1 thread, ${connections} connections, ${duration}s per run)` : `autocannon (${connections} connections, ${duration}s per run; wrk not installed)`;
  const pin = hasTaskset ? 'server pinned to CPU 0, load generator to CPU 1 (taskset)' : 'no taskset: server and load generator unpinned';
  return `${gen}; ${pin}`;
}

/** Runs load against url; returns { rps, errors, non2xx }. */
export async function load(url, { method = 'GET', headers = {}, body, connections = 32, duration = 5 }) {
  if (hasWrk) {
    const dir = mkdtempSync(join(tmpdir(), 'fnkit-wrk-'));
    const script = join(dir, 'req.lua');
    const lines = [`wrk.method = ${JSON.stringify(method)}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
    if (body !== undefined) lines.push(`wrk.body = ${JSON.stringify(body)}`);
    writeFileSync(script, lines.join('\n') + '\n');
    const out = await run(pinned(1, ['wrk', '-t1', `-c${connections}`, `-d${duration}s`, '-s', script, url]));
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
    const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
    const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const errors = errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    return { rps, requests, non2xx, errors };
  }
  const bin = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
  const argv = [process.execPath, bin, '-j', '-c', String(connections), '-d', String(duration), '-m', method];
  for (const [k, v] of Object.entries(headers)) argv.push('-H', `${k}=${v}`);
  if (body !== undefined) argv.push('-b', body);
  argv.push(url);
  const j = JSON.parse(await run(pinned(1, argv)));
  return { rps: j.requests.average, requests: j.requests.total, non2xx: j.non2xx, errors: j.errors + j.timeouts };
}

function run(argv) {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(' ')} exited ${code}: ${err}`))));
  });
}

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 of stat(5), counted from the state field (index 0 = field 3)
  return (Number(f[11]) + Number(f[12])) / 100;
}

export function rssBytes(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** One GET; resolves with the status or rejects on a connection error. */
export function probe(url, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** Spawns a server and resolves once GET url answers 200; returns { proc, ms } (spawn → first 200). */
/**
 * The bench's own environment minus what a container would not have and what changes how node
 * starts: NODE_EXTRA_CA_CERTS makes every node read and parse that CA bundle before the first
 * line of JS (~40 ms per start on these machines, where it is set machine-wide), which would add
 * the same constant to every server's cold start and squeeze the ratios towards 1; NODE_OPTIONS
 * is set per server (the image's for fnkit, none for the others).
 */
export function serverEnv() {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

export async function spawnUntilReady(argv, env, url, { timeoutMs = 20_000, cwd } = {}) {
  const t0 = performance.now();
  const proc = spawn(argv[0], argv.slice(1), { env: { ...serverEnv(), ...env }, stdio: ['ignore', 'ignore', 'pipe'], cwd });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  let exited = false;
  proc.once('exit', () => { exited = true; });
  for (;;) {
    if (exited) throw new Error(`${argv.join(' ')} exited before answering: ${stderr}`);
    if (performance.now() - t0 > timeoutMs) { proc.kill('SIGKILL'); throw new Error(`${argv.join(' ')} did not answer in ${timeoutMs} ms: ${stderr}`); }
    try {
      if ((await probe(url, 500)) === 200) return { proc, ms: performance.now() - t0 };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function stop(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const done = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await done;
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** A loopback port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** The knobs every suite reads (BENCH_QUICK, BENCH_ROUNDS, BENCH_DURATION, BENCH_COLD_N, BENCH_CONNECTIONS). */
export function benchSettings({ coldN, quickColdN }) {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    rounds: Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3)),
    duration: Number(process.env.BENCH_DURATION ?? (quick ? 2 : 5)),
    coldN: Number(process.env.BENCH_COLD_N ?? (quick ? quickColdN : coldN)),
    connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  };
}
