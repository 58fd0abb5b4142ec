// Starts a Lambda function behind the real invoker in its own process on a free port, and talks
// to it over real sockets. Function output (console.*, START/END/REPORT) is plain text on stdout;
// the invoker's own logs are JSON lines. Every process started here is killed by stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';
import type { HttpReply as Reply } from '../support/http.js';

const here = dirname(fileURLToPath(import.meta.url));
export const fixtures = join(here, 'fixtures');

/**
 * The execution model the isolation-sensitive suites run under: each of them runs once as is
 * (the default: a worker thread) and once from its `*.inline.test.ts` twin, which sets
 * FN_LAMBDA_ISOLATION=inline before importing it (the invoker child inherits the variable).
 */
export const ISOLATION: 'inline' | 'worker' = process.env.FN_LAMBDA_ISOLATION === 'inline' ? 'inline' : 'worker';

export interface LambdaServer {
  url: string;
  /** Function log lines (not the invoker's JSON lines). */
  lines: string[];
  /** Everything on stdout and stderr. */
  output: string[];
  proc: ChildProcess;
  exited: Promise<number | null>;
  /** Waits until a line matching re was logged. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** A folder under test/lambda/fixtures, or an absolute path (examples). */
  fixture: string;
  handler: string;
  /** Seconds (Lambda timeout). */
  timeout?: number;
  config?: Record<string, unknown>;
  env?: Record<string, string>;
  name?: string;
  /** The invoker's own request timeout; default Lambda timeout + 2 s. */
  invokerTimeoutMs?: number;
  bodyLimit?: number;
  processEnv?: Record<string, string>;
}

let bundled: Promise<string> | undefined;

/**
 * serve.ts as one esbuild bundle (invoker + Lambda runtime), the way production runs the
 * function, built once per test process; it lives under node_modules/.cache so the packages
 * left external still resolve.
 */
export function serveBundle(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import('esbuild');
    const outfile = join(here, '..', '..', 'node_modules', '.cache', 'fnkit-lambda-test', `serve-${process.pid}.mjs`);
    await build({
      entryPoints: [join(here, 'serve.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'warning',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    process.once('exit', () => {
      try {
        rmSync(outfile, { force: true });
      } catch {}
    });
    return outfile;
  })();
  return bundled;
}

export async function serveLambda(o: ServeOptions): Promise<LambdaServer> {
  return startServer(o, await serveBundle());
}

/** Serves a function folder as `fn run` would: its fn.yaml read and validated by loadFunction. */
export async function serveFunctionDir(dir: string): Promise<LambdaServer> {
  const { loadFunction } = await import('../../src/config/fn-yaml.js');
  const spec = await loadFunction(dir);
  return serveLambda({ fixture: spec.dir, handler: spec.handler, timeout: spec.timeout, name: spec.name, env: spec.env, config: (spec.lambda ?? {}) as Record<string, unknown> });
}

function startServer(o: ServeOptions, script: string): Promise<LambdaServer> {
  const timeout = o.timeout ?? 3;
  const args = {
    runtime: { handler: o.handler, name: o.name ?? 'test-fn', timeout, config: o.config ?? {}, env: o.env, taskRoot: o.fixture.startsWith('/') ? o.fixture : join(fixtures, o.fixture) },
    defaults: { timeoutMs: o.invokerTimeoutMs ?? timeout * 1000 + 2000, ...(o.bodyLimit ? { bodyLimit: o.bodyLimit } : {}) },
  };
  const proc = spawn(process.execPath, [script, JSON.stringify(args)], {
    env: { ...process.env, PORT: '0', FN_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...o.processEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const output: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  const onLine = (line: string, fn: boolean) => {
    output.push(line);
    if (!fn) return;
    lines.push(line);
    for (const w of [...waiters]) if (w.re.test(line)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  };
  const server = (url: string): LambdaServer => ({
    url,
    lines,
    output,
    proc,
    exited,
    waitFor(re, ms = 5000) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { re, resolve: (l: string) => { clearTimeout(t); resolve(l); } };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`no log line matching ${re} within ${ms} ms; got:\n${lines.join('\n')}`));
        }, ms);
        waiters.push(w);
      });
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  });
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    const timer = setTimeout(() => fail(new Error('the invoker did not become ready within 20 s')), 20000);
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proc.kill('SIGKILL');
      reject(new Error(`${e.message}\n${output.join('\n')}`));
    };
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        let rec: Record<string, unknown> | undefined;
        try {
          const v = JSON.parse(line);
          if (v && typeof v === 'object' && 'level' in v && 'msg' in v) rec = v;
        } catch {}
        onLine(line, !rec);
        if (!done && rec?.msg === 'ready' && typeof rec.address === 'string') {
          done = true;
          clearTimeout(timer);
          resolve(server(rec.address));
        }
      }
    });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
      for (const l of d.split('\n')) if (l) output.push(l);
    });
    proc.once('exit', (code) => fail(new Error(`the invoker exited with ${code} before it was ready`)));
  });
}

export { httpCall as call, type HttpReply as Reply } from '../support/http.js';

/** Header values of one name as the client saw them, in order. */
export function rawHeaderValues(r: Reply, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.rawHeaders.length; i += 2) if (r.rawHeaders[i]!.toLowerCase() === name) out.push(r.rawHeaders[i + 1]!);
  return out;
}
