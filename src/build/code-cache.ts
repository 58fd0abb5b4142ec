// The image's V8 code cache: app/fnkit/runtime.cjs.cache, in a layer of its own between the
// runtime and the function. Most of a cold start was V8 parsing and compiling the runtime
// (fastify, pino, the invoker: ~30 of ~50 ms past bare node:http, docs/invoker.md "Cold
// start"); with the cache the image's node loads that bytecode instead. V8 accepts a cache only
// from its own build and flags, so it is made by the base image's own node (base-node.ts) in a
// training run (runtime/train.cjs) under the NODE_OPTIONS the container will have. Anything
// that prevents it (another platform, a node that does not run here, a failed run) leaves the
// image without the layer, and load.cjs compiles as before: a reason is reported, the build goes on.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeLayer, sha256, type Layer } from './layer.js';
import { atomicWrite } from './atomic-write.js';
import { readCachedLayer, writeCachedLayer } from './layer-cache.js';
import { memoKey, type BundleFile } from './memo.js';
import { CODE_CACHE, RUNTIME_DIR } from './image-bundle.js';
import { fnkitPaths } from './bundle-paths.js';

/** The training run starts a server and sends it a dozen requests; far more than that is a hang. */
const TRAIN_TIMEOUT_MS = 60_000;

export interface CodeCacheInputs {
  /** The node binary that will run the image, runnable here (base-node.ts). */
  node: { path: string; version: string };
  /** The runtime part's files (paths relative to the app folder: fnkit/...). */
  runtimeFiles: BundleFile[];
  /** The container's NODE_OPTIONS: V8 rejects a cache made under other flags. */
  nodeOptions: string | undefined;
  /** Folder inside the image the runtime sits in (app). */
  appDir: string;
  epoch: number;
  /** Where built layers are kept (the builder's layer cache). */
  layerCacheDir: string;
  /** Where trained caches are kept, by what made them (the runtime's files, node, flags). */
  cacheDir: string;
  signal?: AbortSignal;
}

export type CodeCacheLayer = { layer: Layer } | { skip: string };

/**
 * The code cache layer. V8's output differs from one training run to the next, so a trained cache
 * is kept by what made it (the runtime's file contents, node's version, NODE_OPTIONS), not by the
 * build's epoch: a new SOURCE_DATE_EPOCH or another function reuses it, and only the layer
 * around it is made again (and that from the layer cache when the epoch is the same too).
 */
export async function codeCacheLayer(o: CodeCacheInputs): Promise<CodeCacheLayer> {
  const description = `V8 code cache of the fnkit runtime for node ${o.node.version} (made by the base image's node)`;
  const made = memoKey({ v: 2, files: o.runtimeFiles.map((f) => [f.rel, sha256(f.data)]), node: o.node.version, nodeOptions: o.nodeOptions ?? '' });
  const layerKey = memoKey({ v: 2, made, epoch: o.epoch, appDir: o.appDir });
  const hit = await readCachedLayer(o.layerCacheDir, layerKey);
  if (hit) return { layer: hit };
  const bytesFile = join(o.cacheDir, `${made}.bin`);
  let cache: Buffer | undefined = await readFile(bytesFile).catch(() => undefined);
  if (!cache) {
    const trained = await train(o);
    if ('skip' in trained) return trained;
    cache = trained.cache;
    await atomicWrite(bytesFile, trained.cache).catch(() => undefined);
  }
  const layer = makeLayer([{ path: `${o.appDir}/${RUNTIME_DIR}/${CODE_CACHE}`, type: 'file', data: cache }], o.epoch, description);
  await writeCachedLayer(o.layerCacheDir, layerKey, layer).catch(() => undefined);
  return { layer };
}

/** Lays the runtime out in a temp folder and runs the training run there with the image's node. */
async function train(o: CodeCacheInputs): Promise<{ cache: Buffer } | { skip: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-code-cache-'));
  try {
    for (const f of o.runtimeFiles) {
      const file = join(dir, ...f.rel.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, f.data);
    }
    const out = join(dir, 'cache');
    const failed = await runTraining(o.node.path, join(dir, RUNTIME_DIR), out, o.nodeOptions, o.signal);
    if (failed !== undefined) return { skip: `the training run failed: ${failed}` };
    return { cache: await readFile(out) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs runtime/train.cjs with `node` on a laid-out runtime folder (app/fnkit) and writes the
 * cache to `out`. Returns why it failed, or undefined. The bench uses it on its own builds.
 */
export async function runTraining(node: string, runtimeDir: string, out: string, nodeOptions: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
  const trainer = join(fnkitPaths().root, 'src', 'build', 'runtime', 'train.cjs');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production' };
  if (nodeOptions !== undefined) env.NODE_OPTIONS = nodeOptions;
  const failed = await new Promise<string | undefined>((resolve) => {
    execFile(node, [trainer, runtimeDir, out], { env, cwd: dirname(runtimeDir), timeout: TRAIN_TIMEOUT_MS, signal, maxBuffer: 16 << 20 }, (err, _stdout, stderr) => {
      resolve(err ? (String(stderr).trim().split('\n')[0] || err.message) : undefined);
    });
  });
  if (failed !== undefined && signal?.aborted) throw signal.reason;
  return failed;
}
