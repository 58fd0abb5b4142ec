// Runs the real `fn` (bin/fn.js → dist/cli.js, built by `npm test`) as its own process.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FN = join(ROOT, 'bin', 'fn.js');

export interface FnResult { code: number | null; stdout: string; stderr: string }

export function fn(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<FnResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [FN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fn ${args.join(' ')} timed out\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

export async function tempDir(t: TestContext, prefix = 'fn-cli-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of examples/<name> in a temp folder, so parallel suites never share a .fn/run.json. */
export async function exampleCopy(t: TestContext, name: string): Promise<string> {
  const dir = join(await tempDir(t, `fn-${name}-`), name);
  await cp(join(ROOT, 'examples', name), dir, { recursive: true, filter: (src) => !src.includes('/.fn') });
  return dir;
}

export interface Running {
  url: string;
  proc: ChildProcess;
  stderr(): string;
  /** SIGINT, like Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** `fn run <dir> --port 0 ...`; resolves once the URL is printed on stdout. */
export function fnRun(t: TestContext, dir: string, extra: string[] = []): Promise<Running> {
  const proc = spawn(process.execPath, [FN, 'run', dir, '--port', '0', ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const running: Omit<Running, 'url'> = {
    proc,
    stderr: () => err,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGINT');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  });
  proc.stderr!.on('data', (d) => (err += d));
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => reject(new Error(`fn run did not print a URL in time:\n${err}`)), 30_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveRun({ ...running, url: m[1]! });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`fn run exited (${code}) before printing a URL:\n${err}`));
    });
  });
}

export async function waitFor<T>(f: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 5): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
