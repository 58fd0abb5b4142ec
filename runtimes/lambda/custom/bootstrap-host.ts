// One `bootstrap` process and its own Runtime API server: what a provided.al2023 sandbox is.
// Init ends when the process first asks for an event (/next); an /init/error or an exit before
// that is an init failure. A timeout or a crash kills the whole process group and leaves the
// host stopped, so the next invocation starts a fresh process: AWS resets the sandbox the same
// way (lambda.md §3.5 "Timeout", §2.1 lessons from KLR, which left timed-out runtimes running).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { InvokeOutcome, LambdaErrorPayload, StreamedResult } from '../types.js';
import { bootstrapEnv } from './bootstrap-env.js';
import { RuntimeApiServer, type RuntimeInvocation, type RuntimeReport } from './runtime-api.js';
import { INIT_TIMEOUT_MS } from '../settings.js';

export interface BootstrapHostOptions {
  /** Absolute path of the executable to start. */
  bootstrap: string;
  taskRoot: string;
  handler: string;
  name: string;
  /** Seconds, for the "Task timed out after N.00 seconds" message. */
  timeout: number;
  memorySize: number;
  /** The container environment (read once by the caller). */
  baseEnv: Record<string, string | undefined>;
  env: Record<string, string>;
  log: (line: string) => void;
  /** AWS's on-demand init phase limit is 10 s. */
  initTimeoutMs?: number;
}

export interface HostInvocation extends Omit<RuntimeInvocation, 'body'> {
  body: Buffer;
}

/** An init failure, with AWS's error payload. */
export class InitFailure extends Error {
  constructor(readonly payload: LambdaErrorPayload) {
    super(`${payload.errorType}: ${payload.errorMessage}`);
    this.name = 'InitFailure';
  }
}

type Current = { id: string; deadline: number; resolve: (o: InvokeOutcome) => void; timer: NodeJS.Timeout };

export class BootstrapHost {
  private readonly opts: BootstrapHostOptions;
  private proc: ChildProcess | undefined;
  private api: RuntimeApiServer | undefined;
  private starting: Promise<void> | undefined;
  private current: Current | undefined;
  private stopping = false;

  constructor(opts: BootstrapHostOptions) {
    this.opts = opts;
  }

  get running(): boolean {
    return this.proc !== undefined && this.api?.isInitialized === true;
  }

  /** Starts the process and waits until it asks for its first event. Idempotent while starting. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.starting ??= this.spawnAndWait().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async spawnAndWait(): Promise<void> {
    this.stopping = false;
    let settle!: { ok: () => void; fail: (p: LambdaErrorPayload) => void };
    const ready = new Promise<void>((resolve, reject) => {
      settle = { ok: resolve, fail: (p) => reject(new InitFailure(p)) };
    });
    let initError: LambdaErrorPayload | undefined;
    const api = new RuntimeApiServer({
      onReady: () => settle.ok(),
      onReport: (r) => {
        if (r.kind === 'init-error') {
          // §3.10: "the runtime should then exit". Init fails when it has (its last words reach
          // the log), or after 500 ms, when it is killed.
          initError = r.error;
          setTimeout(() => this.kill(proc), 500).unref();
          return;
        }
        this.report(r);
      },
    });
    const runtimeApi = await api.listen();
    const env = bootstrapEnv({
      base: this.opts.baseEnv,
      user: this.opts.env,
      taskRoot: this.opts.taskRoot,
      handler: this.opts.handler,
      name: this.opts.name,
      memorySize: this.opts.memorySize,
      runtimeApi,
    });
    // Its own process group, so a timeout also kills what the bootstrap started (curl, node...).
    const proc = spawn(this.opts.bootstrap, [], { cwd: this.opts.taskRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc = proc;
    this.api = api;
    for (const s of [proc.stdout!, proc.stderr!]) createInterface({ input: s, crlfDelay: Infinity }).on('line', this.opts.log);
    proc.on('error', (err: NodeJS.ErrnoException) => {
      settle.fail({ errorType: 'Runtime.InvalidEntrypoint', errorMessage: `cannot start ${this.opts.bootstrap}: ${err.code ?? ''} ${err.message}`.trim() });
      void this.cleanup(proc, api);
    });
    proc.on('exit', (code, signal) => {
      const how = signal ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal}` : `exit status ${code}`;
      settle.fail(initError ?? { errorType: 'Runtime.ExitError', errorMessage: `RequestId: - Error: Runtime exited with error: ${how}` });
      // A retired process (timed out, replaced) no longer owns the host's state.
      const cur = this.proc === proc ? this.current : undefined;
      if (cur) {
        this.finish({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${cur.id} Error: Runtime exited with error: ${how}` } });
      } else if (this.proc === proc && !this.stopping) {
        this.opts.log(`bootstrap exited (${how}); it will be started again on the next invocation`);
      }
      void this.cleanup(proc, api);
    });
    const limit = this.opts.initTimeoutMs ?? INIT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      settle.fail({ errorType: 'Runtime.InitTimeout', errorMessage: `the bootstrap did not ask for an event (GET /2018-06-01/runtime/invocation/next) within ${limit / 1000} s of starting` });
      this.kill(proc);
    }, limit);
    try {
      await ready;
    } catch (err) {
      if (this.proc === proc) this.retire();
      this.kill(proc);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs one invocation on this (started) host. Callers serialise: one at a time per process. */
  invoke(inv: HostInvocation): Promise<InvokeOutcome> {
    const api = this.api;
    if (!api || !this.proc) return Promise.resolve({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'the bootstrap is not running' } });
    if (this.current) throw new Error('bootstrap host: one invocation at a time');
    return new Promise<InvokeOutcome>((resolve) => {
      const ms = Math.max(0, inv.deadline - Date.now());
      const timer = setTimeout(() => this.timeout(inv.requestId), ms);
      this.current = { id: inv.requestId, deadline: inv.deadline, resolve, timer };
      api.offer(inv);
    });
  }

  private timeout(id: string): void {
    if (this.current?.id !== id) return;
    const secs = this.opts.timeout.toFixed(2);
    this.opts.log(`${new Date().toISOString()} ${id} Task timed out after ${secs} seconds`);
    this.api?.abandon(id);
    // The sandbox is reset after a timeout: retire the process now (its exit comes later), so
    // the next invocation starts a fresh one instead of landing on the dying one.
    const proc = this.proc;
    this.retire();
    this.finish({ ok: false, kind: 'timeout', error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${id} Error: Task timed out after ${secs} seconds` } });
    this.kill(proc);
  }

  private report(r: Exclude<RuntimeReport, { kind: 'init-error' }>): void {
    if (this.current?.id !== r.requestId) return;
    if (r.kind === 'error') return this.finish({ ok: false, kind: 'handled', error: r.error });
    if (r.kind === 'stream') return this.finishStream(r.requestId, r.stream);
    this.finish({ ok: true, result: decodeResult(r.body) });
  }

  /**
   * A stream is handed over as soon as it starts, but the function timeout still applies to
   * the whole response (Function URL streaming keeps the function timeout): at the deadline the
   * process is killed, which ends the stream early with an error.
   */
  private finishStream(id: string, stream: StreamedResult): void {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    clearTimeout(cur.timer);
    const proc = this.proc;
    const timer = setTimeout(() => {
      this.opts.log(`${new Date().toISOString()} ${id} Task timed out after ${this.opts.timeout.toFixed(2)} seconds (while streaming)`);
      if (this.proc === proc) this.retire();
      this.kill(proc);
    }, Math.max(0, cur.deadline - Date.now()));
    const source = stream.body;
    async function* guarded(): AsyncGenerator<Uint8Array> {
      try {
        yield* source;
      } finally {
        clearTimeout(timer);
      }
    }
    cur.resolve({ ok: true, stream: { ...stream, body: guarded() } });
  }

  private finish(outcome: InvokeOutcome): void {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    clearTimeout(cur.timer);
    cur.resolve(outcome);
  }

  private kill(proc: ChildProcess | undefined): void {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      proc.kill('SIGKILL');
    }
  }

  /** Synchronous kill, for the parent's own 'exit' event. */
  killNow(): void {
    this.kill(this.proc);
  }

  private retire(): void {
    this.proc = undefined;
    this.api = undefined;
  }

  private async cleanup(proc: ChildProcess, api: RuntimeApiServer): Promise<void> {
    if (this.proc === proc) this.retire();
    // The bootstrap may have left children in its group (a backgrounded curl...).
    if (proc.pid !== undefined) {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* group already gone */
      }
    }
    await api.close();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 1000): Promise<void> {
    this.stopping = true;
    const proc = this.proc;
    const api = this.api;
    if (this.current) this.finish({ ok: false, kind: 'crash', error: { errorType: 'Runtime.ExitError', errorMessage: 'the function is shutting down' } });
    if (!proc || proc.pid === undefined) {
      await api?.close();
      return;
    }
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      try {
        process.kill(-proc.pid, 'SIGTERM');
      } catch {
        proc.kill('SIGTERM');
      }
      const t = setTimeout(() => this.kill(proc), graceMs);
      await gone;
      clearTimeout(t);
    }
    if (api) await this.cleanup(proc, api);
  }
}

/**
 * The runtime posts bytes; front doors and the Invoke API expect the JSON value. A body that is
 * not JSON (a bash bootstrap echoing text) stays a string rather than failing the invocation.
 */
export function decodeResult(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
