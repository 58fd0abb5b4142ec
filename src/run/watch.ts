// The `fn run --watch` loop: a proxy keeps the user's port; each save rebuilds incrementally,
// starts a new invoker child on a private port, and switches traffic to it once it is ready.
// A build or start failure prints the error and leaves the last good child serving. An fn.yaml
// edit reloads the config and recreates the bundler (settings are baked into the bundle).
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { isFnkitError } from '../errors.js';
import { loadFunction } from '../config/fn-yaml.js';
import type { FunctionSpec } from '../config/types.js';
import { createBundleContext, type BundleContext } from '../build/bundle.js';
import { removeRunState, writeRunState } from '../invoke/run-state.js';
import { childEnv, RUN_HOST, runOutdir, type RunOptions } from './host.js';
import { freePort, startChild, type InvokerChild } from './watch-child.js';
import { startProxy } from './watch-proxy.js';
import { sourceFolders, watchFunction, type ChangeKind } from './watch-files.js';

export async function watchLoop(initial: FunctionSpec, opts: RunOptions & { port: number; url: string }): Promise<void> {
  let spec = initial;
  const proxy = await startProxy(opts.port, RUN_HOST);
  let ctx: BundleContext | undefined;
  let current: InvokerChild | undefined;
  let generation = 0;
  let busy: Promise<void> = Promise.resolve();
  let announced = false;

  const watcher = watchFunction(spec.dir, (kind, file) => {
    // one reload at a time, in save order; a burst of saves collapses in the debounce
    busy = busy.then(() => reload(kind, file));
  });

  const saveState = () =>
    writeRunState(spec.dir, {
      url: opts.url, pid: process.pid, childPid: current?.process.pid, port: opts.port, name: spec.name, watch: true, startedAt: new Date().toISOString(),
    });

  async function reload(kind: ChangeKind | 'initial', file?: string): Promise<void> {
    if (opts.signal.aborted) return;
    const t0 = performance.now();
    const gen = ++generation;
    try {
      if (kind === 'config' || !ctx) {
        if (kind === 'config') spec = await loadFunction(spec.dir);
        await ctx?.dispose();
        ctx = undefined;
        ctx = await createBundleContext(spec, { outdir: runOutdir(spec), mode: 'dev', signal: opts.signal });
      }
      // the running child loaded its bundle at start, so overwriting the file under it is safe
      const result = await ctx.rebuild();
      for (const w of result.warnings) opts.log(w);
      watcher.update(spec.runtime === 'lambda' ? sourceFolders(spec.dir).map((d) => join(d, '.')) : result.inputs ?? []);
      const tBuilt = performance.now();
      const port = await freePort(RUN_HOST);
      const next = await startChild({ entry: result.entry, port, env: childEnv(spec, opts), cwd: spec.dir, reservedPrefix: spec.invoker.reservedPrefix, output: opts.output });
      if (opts.signal.aborted || gen !== generation) {
        await next.stop(500);
        return;
      }
      proxy.setTarget(port);
      const previous = current;
      current = next;
      watchExit(next);
      await saveState();
      const tReady = performance.now();
      if (!announced) {
        announced = true;
        opts.onReady?.({ url: opts.url, port: opts.port, name: spec.name });
        opts.log(`watching ${spec.dir} for changes`);
      } else {
        opts.log(`reloaded ${file ? relativeName(spec.dir, file) : ''} in ${Math.round(tReady - t0)} ms (bundle ${Math.round(tBuilt - t0)} ms, start ${Math.round(tReady - tBuilt)} ms)`);
      }
      void previous?.stop();
    } catch (err) {
      const message = isFnkitError(err) ? `${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}` : String((err as Error)?.stack ?? err);
      opts.log(`fn run: ${current ? 'still serving the last good build; ' : ''}${message}`);
      if (!ctx) watcher.update([join(spec.dir, 'fn.yaml')]);
    }
  }

  function watchExit(child: InvokerChild) {
    void child.exited.then((code) => {
      if (current === child && !opts.signal.aborted) {
        opts.log(`fn run: the invoker exited (${code}); save a file to start it again`);
        current = undefined;
      }
    });
  }

  try {
    watcher.update([]);
    await reload('initial');
    if (!opts.signal.aborted && !announced) {
      // the first build failed: serve a 503 explaining it, and wait for a fix
      await saveState();
      opts.onReady?.({ url: opts.url, port: opts.port, name: spec.name });
    }
    await new Promise<void>((r) => {
      if (opts.signal.aborted) r();
      else opts.signal.addEventListener('abort', () => r(), { once: true });
    });
    opts.log('stopping...');
  } finally {
    watcher.close();
    await busy.catch(() => undefined);
    await current?.stop();
    await proxy.close();
    await ctx?.dispose();
    await removeRunState(spec.dir);
  }
}

function relativeName(dir: string, file: string): string {
  return file.startsWith(dir) ? file.slice(dir.length + 1) : file;
}
