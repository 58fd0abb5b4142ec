// One invoker child process: `node --enable-source-maps <bundle>` on a given port, its logs
// forwarded, ready once the invoker's readiness endpoint answers 200. Used by `fn run` with and
// without --watch.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { FnkitError } from '../errors.js';
import type { ActivateMessage } from '../build/bundle-dev.js';

export interface ChildOptions {
  /** host.mjs of the dev bundle: loads the invoker, then waits for the activate message. */
  entry: string;
  env: Record<string, string>;
  cwd: string;
  reservedPrefix: string;
  /** Where the child's stdout and stderr go (fn run: its own stderr). */
  output: NodeJS.WritableStream;
  nodePath?: string;
  /** Give up waiting for readiness after this long. */
  readyTimeoutMs?: number;
}

export interface InvokerChild {
  process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the child is gone. */
  exited: Promise<number | string>;
  /** True once the process has loaded the invoker and waits for activate(). */
  isLoaded(): boolean;
  /** Tells the process which port to serve and which user bundle to load; resolves once ready. */
  activate(msg: ActivateMessage): Promise<void>;
  /** SIGTERM (the invoker drains), SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Spawns an invoker process that loads the invoker right away and serves once activated, so
 * `fn run --watch` can keep one warm and pay only for the user's code after a save.
 */
export function spawnInvoker(opts: ChildOptions): InvokerChild {
  const child = spawn(opts.nodePath ?? process.execPath, ['--enable-source-maps', opts.entry], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout!.pipe(opts.output, { end: false });
  child.stderr!.pipe(opts.output, { end: false });
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
    child.once('error', () => resolveExit('spawn-error'));
  });
  let isLoaded = false;
  let onReady: () => void = () => undefined;
  const readyMessage = new Promise<true>((r) => (onReady = () => r(true)));
  const loaded = new Promise<void>((resolveLoaded) => {
    child.on('message', (m) => {
      if ((m as { loaded?: boolean })?.loaded) {
        isLoaded = true;
        resolveLoaded();
      }
      if ((m as { ready?: boolean })?.ready) onReady();
    });
  });
  // a spare must not keep fn run alive on its own
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  const handle: InvokerChild = {
    process: child,
    exited,
    isLoaded: () => isLoaded,
    async activate(msg) {
      // one deadline for loading and becoming ready: a child stuck while loading must not hang fn run
      const timedOut = new Promise<false>((r) => setTimeout(() => r(false), opts.readyTimeoutMs ?? 15000).unref());
      const load = await Promise.race([loaded.then(() => 'loaded' as const), exited.then(() => 'exited' as const), timedOut]);
      if (load !== 'loaded') {
        if (load === false) await handle.stop(500);
        throw new FnkitError('FN_ERR_RUN_START', load === 'exited' ? `the function's invoker exited while loading (${await exited})` : "the function's invoker did not finish loading in time", {
          hint: 'read the log lines above for the cause',
        });
      }
      child.send(msg, (err) => {
        if (err) child.kill('SIGKILL');
      });
      // the process says when it is ready; the readiness endpoint confirms it from outside
      const ready = await Promise.race([
        readyMessage.then(() => waitReady(msg.port, opts.reservedPrefix, 2000, exited)),
        exited.then((code) => ({ exitCode: code })),
        timedOut,
      ]);
      if (ready !== true) {
        await handle.stop(500);
        const why = typeof ready === 'object' ? `it exited with ${ready.exitCode} before becoming ready` : 'it did not become ready in time';
        throw new FnkitError('FN_ERR_RUN_START', `the function's invoker did not start: ${why}`, {
          hint: 'read the log lines above: usually an error thrown while loading the handler or in its init()',
          data: { port: msg.port },
        });
      }
      child.ref();
    },
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return handle;
}

/** Polls <prefix>/health/readiness until 200; false on timeout. */
async function waitReady(port: number, prefix: string, timeoutMs: number, exited: Promise<unknown>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (!gone && Date.now() < deadline) {
    if ((await probe(port, `${prefix}/health/readiness`)) === 200) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return false;
}

function probe(port: number, path: string): Promise<number> {
  return new Promise((resolveStatus) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolveStatus(res.statusCode ?? 0);
    });
    req.on('error', () => resolveStatus(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** A port the OS says is free right now (listen on 0, read it, close). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

/** True when nothing listens on host:port (we could bind it). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.once('error', () => resolveFree(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolveFree(true)));
  });
}
