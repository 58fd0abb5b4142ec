// The `fn run --watch` loop: a proxy keeps the user's port; a warm spare invoker process (the
// invoker already loaded) waits for the next build. A save rebuilds only the user's bundle, the
// spare is activated on a private port, and traffic switches to it once it is ready. A build or
// start failure prints the error and leaves the last good process serving. An fn.yaml edit
// reloads the config and rebuilds both halves (its settings are baked into the invoker half).
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { isFnkitError } from '../errors.js';
import { loadFunction } from '../config/fn-yaml.js';
import type { FunctionSpec } from '../config/types.js';
import { createDevBundles, type DevBuild, type DevBundles } from '../build/bundle-dev.js';
import { removeRunState, writeRunState } from '../invoke/run-state.js';
import { childEnv, RUN_HOST, runOutdir, type RunOptions } from './host.js';
import { freePort, spawnInvoker, type InvokerChild } from './watch-child.js';
import { startProxy } from './watch-proxy.js';
import { sourceFolders, watchFunction, type ChangeKind } from './watch-files.js';

export async function watchLoop(initial: FunctionSpec, opts: RunOptions & { port: number; url: string }): Promise<void> {
  let spec = initial;
  const proxy = await startProxy(opts.port, RUN_HOST);
  let bundles: DevBundles | undefined;
  let host: DevBuild | undefined;
  let current: InvokerChild | undefined;
  let spare: InvokerChild | undefined;
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

  const newSpare = () => {
    const s = spawnInvoker({ entry: host!.entry, env: childEnv(spec, opts), cwd: spec.dir, reservedPrefix: spec.invoker.reservedPrefix, output: opts.output });
    void s.exited.then(() => {
      if (spare === s) spare = undefined;
    });
    return s;
  };

  async function reload(kind: ChangeKind | 'initial', file?: string): Promise<void> {
    if (opts.signal.aborted) return;
    const t0 = performance.now();
    try {
      if (kind === 'config' || !bundles || !host) {
        if (kind === 'config') spec = await loadFunction(spec.dir);
        await bundles?.dispose();
        bundles = undefined;
        host = undefined;
        void spare?.stop(500);
        spare = undefined;
        bundles = await createDevBundles(spec, { outdir: runOutdir(spec) });
        host = await bundles.host();
        for (const w of host.warnings) opts.log(w);
        // start loading the invoker now, while the user's half is bundled
        spare = newSpare();
      }
      const user = await bundles.user();
      for (const w of user?.warnings ?? []) opts.log(w);
      // Lambda code is not bundled: every source folder is watched instead
      if (spec.runtime === 'lambda') watcher.update([], sourceFolders(spec.dir));
      else watcher.update(user?.inputs ?? []);
      const tBuilt = performance.now();
      const port = await freePort(RUN_HOST);
      const next = spare ?? newSpare();
      spare = undefined;
      const warm = next.isLoaded();
      await next.activate({ port, module: user?.entry });
      if (opts.signal.aborted) {
        await next.stop(500);
        return;
      }
      proxy.setTarget(port);
      const previous = current;
      current = next;
      watchExit(next);
      await saveState();
      const tReady = performance.now();
      // the next save finds a process that has already loaded the invoker
      spare = newSpare();
      if (!announced) {
        announced = true;
        opts.onReady?.({ url: opts.url, port: opts.port, name: spec.name });
        opts.log(`watching ${spec.dir} for changes`);
      } else {
        opts.log(`reloaded ${file ? relativeName(spec.dir, file) : ''} in ${Math.round(tReady - t0)} ms (bundle ${Math.round(tBuilt - t0)} ms, start ${Math.round(tReady - tBuilt)} ms${warm ? '' : ', the spare was still loading'})`);
      }
      void previous?.stop();
    } catch (err) {
      const message = isFnkitError(err) ? `${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}` : String((err as Error)?.stack ?? err);
      opts.log(`fn run: ${current ? 'still serving the last good build; ' : ''}${message}`);
      if (!host) watcher.update([join(spec.dir, 'fn.yaml')]);
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
      // the first build failed: the proxy answers 503 with a pointer to the error until a fix
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
    await Promise.all([current?.stop(), spare?.stop(500)]);
    await proxy.close();
    await bundles?.dispose();
    await removeRunState(spec.dir);
  }
}

function relativeName(dir: string, file: string): string {
  return file.startsWith(dir) ? file.slice(dir.length + 1) : file;
}
