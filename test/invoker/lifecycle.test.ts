// Process lifecycle: readiness around init, metrics, bad environment, SIGTERM drain with a request
// in flight, shutdown() failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { start, send, fixtures, waitForLog } from './helpers.js';

test('readiness is 503 until init() finished, liveness answers from the start', async () => {
  const s = await start('kitchen.ts', { untilListening: true, env: { FIXTURE_INIT_MS: '4000' } });
  try {
    const r = await send(s.url, { path: '/health/readiness' });
    assert.equal(r.status, 503);
    assert.equal(r.json().status, 'starting');
    assert.equal((await send(s.url, { path: '/health/liveness' })).status, 200);
    const t0 = Date.now();
    while ((await send(s.url, { path: '/health/readiness' })).status !== 200) {
      assert.ok(Date.now() - t0 < 10_000, 'never became ready');
      await new Promise((res) => setTimeout(res, 50));
    }
    // The 'ready' log line follows on the pipe; give it a moment to arrive.
    assert.ok(await waitForLog(s, (l) => l.msg === 'ready'));
  } finally { await s.stop(); }
});

test('reserved prefix moves the invoker endpoints and frees /health for the handler', async () => {
  const s = await start('kitchen.ts', { env: { FN_RESERVED_PREFIX: '/.fn' } });
  try {
    assert.equal((await send(s.url, { path: '/.fn/health/readiness' })).json().status, 'ready');
    assert.deepEqual((await send(s.url, { path: '/health/readiness' })).json(), { hello: 'world', path: '/health/readiness' });
    assert.match((await send(s.url, { path: '/.fn/metrics' })).text, /fnkit_requests_total/);
  } finally { await s.stop(); }
});

test('metrics: Prometheus text with requests by method/status, duration, in-flight, cold start, labels', async () => {
  const s = await start('kitchen.ts', { env: { K_SERVICE: 'metered', K_REVISION: 'metered-00002' } });
  try {
    await send(s.url, { path: '/text' });
    await send(s.url, { path: '/text' });
    await send(s.url, { method: 'POST', path: '/throw' });
    await send(s.url, { method: 'PATCH', path: '/throw-http' });
    const m = await send(s.url, { path: '/metrics' });
    assert.equal(m.status, 200);
    assert.match(String(m.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const t = m.text;
    assert.match(t, /fnkit_requests_total\{method="GET",status="200",service="metered",revision="metered-00002"\} 2/);
    assert.match(t, /fnkit_requests_total\{method="POST",status="500",service="metered",revision="metered-00002"\} 1/);
    assert.match(t, /fnkit_requests_total\{method="PATCH",status="418",[^}]*\} 1/);
    assert.match(t, /# TYPE fnkit_request_duration_seconds histogram/);
    assert.match(t, /fnkit_request_duration_seconds_bucket\{le="\+Inf",[^}]*\} 4/);
    assert.match(t, /fnkit_request_duration_seconds_count\{[^}]*\} 4/);
    assert.match(t, /fnkit_requests_in_flight\{[^}]*\} 0/);
    const cold = /fnkit_cold_start_seconds\{[^}]*\} ([\d.]+)/.exec(t);
    assert.ok(cold && Number(cold[1]) > 0 && Number(cold[1]) < 30, 'cold start gauge');
    // Health and metrics requests are not counted as function requests.
    assert.doesNotMatch(t, /status="503"/);
    assert.match(t, /process_resident_memory_bytes/);
  } finally { await s.stop(); }
});

test('invalid environment: one clear line naming the variable, exit 1', async () => {
  for (const [name, value, re] of [['PORT', 'eighty', /PORT="eighty".*port number/], ['FN_TIMEOUT', '-3', /FN_TIMEOUT/], ['FN_BODY_LIMIT', 'lots', /FN_BODY_LIMIT="lots"/], ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud".*trace, debug/], ['FN_CE_REPLY_MODE', 'carrier-pigeon', /FN_CE_REPLY_MODE/], ['FN_DEV', 'maybe', /FN_DEV/]] as const) {
    const p = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'serve.ts'), join(fixtures, 'kitchen.ts')], { env: { ...process.env, [name]: value }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((res) => p.once('exit', res));
    assert.equal(code, 1, name);
    const lines = err.trim().split('\n');
    assert.equal(lines.length, 1, err);
    assert.match(JSON.parse(lines[0]!).msg, re);
  }
});

test('init() failure exits 1 with the cause logged', async () => {
  await assert.rejects(start('kitchen.ts', { env: { FIXTURE_INIT_THROW: '1' } }), /exited with 1[\s\S]*init exploded/);
});

test('SIGTERM during a slow request: readiness 503 at once, request completes, new connections refused, shutdown runs, exit 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fnkit-drain-'));
  const marker = join(dir, 'shutdown');
  const s = await start('kitchen.ts', { env: { FIXTURE_SHUTDOWN_FILE: marker, FN_GRACE: '10' } });
  try {
    const slow = send(s.url, { path: '/slow?ms=2500' });
    await new Promise((r) => setTimeout(r, 600));
    // Readiness must flip before the listener closes: ask on a connection opened before SIGTERM.
    const t0 = Date.now();
    s.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 150));
    await assert.rejects(send(s.url, { path: '/text' }), /ECONNREFUSED/);
    const r = await slow;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { slept: 2500 });
    const code = await s.exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 8000);
    assert.match(readFileSync(marker, 'utf8'), /shutdown after 0 aborts/);
    assert.ok(s.logs.some((l) => l.msg === 'draining' && l.signal === 'SIGTERM'));
  } finally { await s.stop(); rmSync(dir, { recursive: true, force: true }); }
});

test('grace deadline: the signal of a request still running fires, then exit 0', async () => {
  const s = await start('kitchen.ts', { env: { FN_GRACE: '0.5' } });
  try {
    const slow = send(s.url, { path: '/slow?ms=20000' });
    await new Promise((r) => setTimeout(r, 500));
    s.proc.kill('SIGINT');
    const r = await slow.catch((e: Error) => e);
    // The handler saw its signal abort and rejected: the client got an error answer or a reset.
    if (!(r instanceof Error)) assert.equal(r.status, 500);
    assert.equal(await s.exited, 0);
    assert.ok(s.logs.some((l) => l.msg === 'grace period over; aborting in-flight requests'));
  } finally { await s.stop(); }
});

test('readiness turns 503 the moment a drain starts', async () => {
  const { createInvoker } = await import('../../invoker/server.js');
  const { readSettings } = await import('../../invoker/config.js');
  const { nodeRuntime } = await import('../../runtimes/node/index.js');
  let release!: () => void;
  const inv = createInvoker({
    runtime: nodeRuntime({ default: () => new Promise<string>((r) => { release = () => r('done'); }) }),
    settings: readSettings({}, { logLevel: 'silent' }),
  });
  await inv.start();
  const addr = await inv.listen(0, '127.0.0.1');
  const pending = send(addr, { path: '/' });
  await new Promise((r) => setTimeout(r, 100));
  const draining = inv.drain(5000);
  assert.equal(inv.draining, true);
  const ready = await inv.app.inject({ method: 'GET', url: '/health/readiness' });
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json().status, 'draining');
  release();
  assert.equal((await pending).text, 'done');
  await draining;
});

test('shutdown() that throws makes the exit code 1', async () => {
  const s = await start('kitchen.ts', { env: { FIXTURE_SHUTDOWN_THROW: '1' } });
  s.proc.kill('SIGTERM');
  assert.equal(await s.exited, 1);
  assert.ok(s.logs.some((l) => l.msg === 'shutdown failed'));
});

test('a request that arrives before init() finished waits for it', async () => {
  const s = await start('kitchen.ts', { untilListening: true, env: { FIXTURE_INIT_MS: '2000' } });
  try {
    const t0 = Date.now();
    const r = await send(s.url, { path: '/text' });
    assert.equal(r.status, 200);
    assert.equal(r.text, 'hello text');
    assert.equal((await send(s.url, { path: '/health/readiness' })).status, 200);
    assert.ok(Date.now() - t0 > 300, 'answered only after init');
  } finally { await s.stop(); }
});
