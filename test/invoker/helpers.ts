// Starts a fixture handler behind the real invoker in its own process on a free port and talks
// to it over real sockets. Every process started here is killed in `stop()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

const here = dirname(fileURLToPath(import.meta.url));
export const fixtures = join(here, 'fixtures');

export interface Served {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Every stdout line parsed as JSON (non-JSON lines kept as { raw }). */
  logs: Array<Record<string, unknown>>;
  stderr: string[];
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Resolve once listening instead of once ready (for readiness tests). */
  untilListening?: boolean;
}

export function start(fixture: string, opts: StartOptions = {}): Promise<Served> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(fixtures, 'serve.ts'), join(fixtures, fixture)], {
    env: { ...process.env, PORT: '0', FN_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  // 'close' rather than 'exit': it fires once stdout is drained, so every log line is in.
  const exited = new Promise<number | null>((res) => proc.once('close', (code) => res(code)));
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const served = (url: string): Served => ({
      url, port: Number(new URL(url).port), proc, logs, stderr, exited,
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) { proc.kill('SIGKILL'); }
        await exited;
      },
    });
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let rec: Record<string, unknown>;
        try { rec = JSON.parse(line); } catch { rec = { raw: line }; }
        logs.push(rec);
        if (done) continue;
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(rec.msg ?? ''));
        if (m && opts.untilListening) { done = true; resolve(served(m[1]!)); }
        if (rec.msg === 'ready' && typeof rec.address === 'string') { done = true; resolve(served(rec.address)); }
      }
    });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
    void exited.then((code) => { if (!done) { done = true; reject(new Error(`fixture exited with ${code} before it was ready:\n${stderr.join('')}\n${JSON.stringify(logs)}`)); } });
    setTimeout(() => { if (!done) { done = true; proc.kill('SIGKILL'); reject(new Error(`fixture not ready in 20s: ${stderr.join('')}`)); } }, 20_000).unref();
  });
}

export { httpCall as send, type HttpReply as RawResponse } from '../support/http.js';

/** Reads a streamed response and stamps each chunk with its arrival time (ms since the request). */
export function timedChunks(url: string, path: string): Promise<{ status: number; headers: IncomingHttpHeaders; chunks: Array<{ at: number; text: string }>; total: number }> {
  const u = new URL(path, url);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, agent: false }, (res) => {
      const chunks: Array<{ at: number; text: string }> = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push({ at: performance.now() - t0, text: c }));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, chunks, total: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits (up to 2 s) for a log line matching pred: log lines travel on a pipe and may trail the HTTP answer. */
export async function waitForLog(s: Served, pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown> | undefined> {
  for (let i = 0; i < 40; i++) {
    const hit = s.logs.find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
