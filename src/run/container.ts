// `fn run --container`: build the image as `fn build --tar` does, load it into podman (or docker)
// and run it the way Knative would: $PORT set, non-root user, the image's own entrypoint.
// Resolves when the container has stopped; aborting the signal stops it with SIGTERM (the
// invoker drains) and removes it.
import { spawn, execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';

export interface RunContainerOptions {
  port: number;
  env?: Record<string, string>;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Seconds between SIGTERM and SIGKILL when stopping (default 10). */
  stopTimeout?: number;
}

const run = promisify(execFile);

export interface Engine { name: 'podman' | 'docker'; path: string; runc?: string }

/** podman first (daemonless, like fn build), then docker; `PATH` is passed in, not read here. */
export async function findEngine(pathEnv: string | undefined): Promise<Engine> {
  const dirs = (pathEnv ?? '').split(delimiter).filter(Boolean);
  const which = async (name: string) => {
    for (const d of dirs) {
      const p = join(d, name);
      if (await access(p, constants.X_OK).then(() => true, () => false)) return p;
    }
    return undefined;
  };
  const podman = await which('podman');
  // crun cannot start containers on cgroups-hybrid hosts; runc can, so it is used when present
  if (podman) return { name: 'podman', path: podman, runc: await which('runc') };
  const docker = await which('docker');
  if (docker) return { name: 'docker', path: docker };
  throw new FnkitError('FN_ERR_NO_CONTAINER_ENGINE', 'running in a container needs podman or docker, and neither is on PATH', {
    hint: 'install podman (apt-get install podman runc) or docker, or run the function on the host without the container option',
    data: { looked: ['podman', 'docker'] },
  });
}

/** The `run` arguments: the Knative contract's PORT, host networking on Linux, fixed ulimits. */
export function runArgs(engine: Engine, name: string, image: string, port: number, env: Record<string, string>, platform = process.platform): string[] {
  const args: string[] = [];
  if (engine.name === 'podman' && engine.runc) args.push('--runtime', engine.runc);
  args.push('run', '--rm', '--name', name, '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024');
  // host networking only exists on Linux; elsewhere (a VM behind podman machine / Docker Desktop) publish the port
  if (platform === 'linux') args.push('--network', 'host', '-e', `PORT=${port}`);
  else args.push('-p', `127.0.0.1:${port}:8080`);
  for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
  args.push(image);
  return args;
}

export async function runContainer(spec: FunctionSpec, opts: RunContainerOptions): Promise<void> {
  const log = opts.log ?? (() => undefined);
  const engine = await findEngine(process.env.PATH);
  const work = await mkdtemp(join(tmpdir(), 'fnkit-run-container-'));
  const image = `localhost/fnkit-run/${spec.name}:latest`;
  const name = `fnkit-run-${spec.name}-${process.pid}`;
  try {
    const { buildFunction } = await import('../build/index.js');
    const { hostPlatform, formatPlatform } = await import('../build/platform.js');
    const tar = join(work, 'image.tar');
    const built = await buildFunction(spec, {
      image,
      tar,
      // only this machine's platform can run here
      platforms: [formatPlatform(hostPlatform())],
      signal: opts.signal,
      onProgress: (step) => log(`fn build: ${step}`),
    });
    log(`built ${built.digest}; loading it into ${engine.name}`);
    await run(engine.path, ['load', '-i', tar], { signal: opts.signal, maxBuffer: 16 * 1024 * 1024 }).catch((err) => {
      throw new FnkitError('FN_ERR_CONTAINER_LOAD', `${engine.name} load failed: ${String(err.stderr || err.message).trim()}`, {
        hint: engine.name === 'docker' ? 'check that the docker daemon is running (docker info)' : 'check podman info for storage problems',
        cause: err,
      });
    });
    if (opts.signal?.aborted) return;
    await runToEnd(engine, runArgs(engine, name, image, opts.port, { ...spec.env, ...opts.env }), name, opts, log);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function runToEnd(engine: Engine, args: string[], name: string, opts: RunContainerOptions, log: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(engine.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((l) => log(l));
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      // SIGTERM first, so the invoker drains in-flight requests, as Knative's termination does
      execFile(engine.path, ['stop', '-t', String(opts.stopTimeout ?? 10), name], () => {
        execFile(engine.path, ['rm', '-f', name], () => undefined);
      });
    };
    if (opts.signal?.aborted) stop();
    opts.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (err) => reject(new FnkitError('FN_ERR_CONTAINER_RUN', `cannot start ${engine.name}: ${err.message}`, { cause: err })));
    child.on('close', (code) => {
      opts.signal?.removeEventListener('abort', stop);
      if (stopping || code === 0) return resolve();
      reject(new FnkitError('FN_ERR_CONTAINER_RUN', `the container ${name} exited with code ${code}`, {
        hint: 'the lines above are its output; a code of 125-127 means the engine could not start it',
        data: { exitCode: 1, containerExit: code },
      }));
    });
    log(`running ${name}: http://127.0.0.1:${opts.port}  (Ctrl-C stops it)`);
  });
}
