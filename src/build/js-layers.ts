// The JavaScript layers of an image: the shared fnkit runtime and the function's own layer
// (entry + source map + included files; Lambda: the task root). Both bundles are memoized by
// their inputs and the built layers cached, so a no-change rebuild neither runs esbuild nor
// re-compresses anything.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';
import type { BuildOptions } from './index.js';
import { collectFiles } from './files.js';
import { makeLayer, sha256, type Layer } from './layer.js';
import { readCachedLayer, writeCachedLayer } from './layer-cache.js';
import type { TarEntry } from './tar.js';
import { lookupBundle, memoKey, storeBundle, type BundleFile, type MemoEntry } from './memo.js';
import { ENTRY, functionBundle, runtimeBundle, type PartBundle } from './image-bundle.js';
import { fnkitPaths } from './bundle-paths.js';

export const APP_DIR = 'app';
export const LAMBDA_TASK_ROOT = 'var/task';

/**
 * The JavaScript layers: the fnkit runtime (the same for every function of this fnkit version)
 * and the function's own layer (its entry + source map + included files; Lambda: the task root).
 */
export async function functionLayers(spec: FunctionSpec, opts: BuildOptions, epoch: number, cacheRoot: string): Promise<{ runtime: Layer; runtimeFiles: BundleFile[]; layer: Layer; external: string[]; entry: string }> {
  const memoDir = join(cacheRoot, 'bundles');
  const paths = fnkitPaths();
  const version = { node: process.version, fnkit: packageVersion(paths.root), esbuild: packageVersion(join(paths.nodeModules, 'esbuild')) };
  const [runtime, own] = await Promise.all([
    memoized(memoDir, { v: 6, part: 'runtime', ...version }, opts.signal, (outdir) => runtimeBundle(spec, outdir, paths), undefined, paths.root),
    memoized(memoDir, { v: 5, part: 'function', spec, ...version }, opts.signal, (outdir) => functionBundle(spec, outdir, paths), spec.dir, paths.root),
  ]);
  const toEntries = (files: BundleFile[]): TarEntry[] => files.map((f) => ({ path: `${APP_DIR}/${f.rel}`, type: 'file', data: f.data }));
  const entries = toEntries(own.files);
  const lambda = spec.runtime === 'lambda';
  const files = await collectFiles(spec.dir, lambda
    ? { all: true, include: spec.build.include, exclude: ['fn.yaml', 'package-lock.json', 'npm-shrinkwrap.json'] }
    : { include: spec.build.include });
  for (const f of files) {
    entries.push({ path: `${lambda ? LAMBDA_TASK_ROOT : APP_DIR}/${f.rel}`, type: 'file', data: await readFile(f.abs), mode: f.mode });
  }
  const what = lambda ? `Lambda entry + ${files.length} task root file(s)` : `function ${own.entry}${files.length ? ` + ${files.length} included file(s)` : ''}`;
  return {
    runtime: await cachedLayer(join(cacheRoot, 'layers'), toEntries(runtime.files), epoch, `fnkit ${version.fnkit} runtime (invoker, runtimes; shared by every function)`),
    runtimeFiles: runtime.files,
    layer: makeLayer(entries, epoch, what),
    external: own.external,
    entry: `/${APP_DIR}/${own.entry}`,
  };
}

/** The layer of these exact files and mtime, from the layer cache or made and stored. */
async function cachedLayer(dir: string, entries: TarEntry[], epoch: number, description: string): Promise<Layer> {
  const key = memoKey({ v: 1, epoch, description, entries: entries.map((e) => [e.path, e.type, e.mode, e.data && sha256(e.data)]) });
  const hit = await readCachedLayer(dir, key);
  if (hit) return hit;
  const layer = makeLayer(entries, epoch, description);
  await writeCachedLayer(dir, key, layer).catch(() => undefined);
  return layer;
}

/** Runs a bundle step into a temp folder, or answers from the memo when none of its inputs changed. */
async function memoized(memoDir: string, keyParts: Record<string, unknown>, signal: AbortSignal | undefined, run: (outdir: string) => Promise<PartBundle>, fnDir: string | undefined, fnkitRoot: string): Promise<MemoEntry> {
  const key = memoKey(keyParts);
  const hit = await lookupBundle(memoDir, key);
  if (hit) return hit;
  if (signal?.aborted) throw new FnkitError('FN_ERR_ABORTED', 'the build was cancelled', { cause: signal.reason });
  const outdir = await mkdtemp(join(tmpdir(), 'fnkit-bundle-'));
  try {
    const startedAt = Date.now();
    const part = await run(outdir);
    const files = await Promise.all(part.files.map(async (f) => {
      const data = await readFile(f);
      const dir = dirname(f);
      return { rel: relative(outdir, f).split(sep).join('/'), data: f.endsWith('.map') ? portableSourceMap(data, dir, fnDir, fnkitRoot) : data };
    }));
    const entry: MemoEntry = { files, external: part.external, entry: part.entry ?? ENTRY };
    if (part.inputs.length) await storeBundle(memoDir, key, part.inputs, entry, startedAt).catch(() => false);
    return entry;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

/**
 * esbuild writes map sources relative to the output folder, so they carry the temp folder, the
 * function's folder and fnkit's install path: host facts that would change the digest from one
 * machine (or checkout) to the next. Rewritten to stable names: the function's own files
 * relative to its folder, fnkit's as fnkit/<path>, packages as node_modules/<path>.
 */
export function portableSourceMap(data: Buffer, outdir: string, fnDir: string | undefined, fnkitRoot = fnkitPaths().root): Buffer {
  const map = JSON.parse(data.toString()) as { sources?: string[]; sourceRoot?: string };
  map.sources = (map.sources ?? []).map((s) => {
    const abs = resolve(outdir, s);
    const nm = abs.lastIndexOf(`${sep}node_modules${sep}`);
    if (nm >= 0) return `node_modules/${abs.slice(nm + 14).split(sep).join('/')}`;
    if (fnDir && isInside(abs, fnDir)) return relative(fnDir, abs).split(sep).join('/');
    if (isInside(abs, fnkitRoot)) return `fnkit/${relative(fnkitRoot, abs).split(sep).join('/')}`;
    return `external/${basename(abs)}`;
  });
  delete map.sourceRoot;
  return Buffer.from(JSON.stringify(map));
}

function isInside(p: string, dir: string): boolean {
  const rel = relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** A package's version (fnkit's own, esbuild's): part of the memo keys, as both shape the output. */
function packageVersion(dir: string): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
