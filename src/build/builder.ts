// The builder: FunctionSpec -> image value -> the outputs asked for. Steps, each reported:
// resolve base, bundle, layers, assemble, then push / layout / tar (src/publish/*).
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';
import { RegistryClient } from '../registry/client.js';
import { formatReference, parseReference, type ImageReference } from '../registry/reference.js';
import type { BuildOptions, BuildResult } from './index.js';
import { resolveBase, type ResolvedBase } from './base.js';
import { collectFiles } from './files.js';
import { depsLayer } from './deps.js';
import { makeLayer, sha256, type Layer } from './layer.js';
import { readCachedLayer, writeCachedLayer } from './layer-cache.js';
import { makeConfig, makeIndex, makeManifest, nodeBinaryOf, rfc3339, userFor, type Doc } from './image.js';
import { formatPlatform, hostPlatform } from './platform.js';
import type { BuiltImage, PlatformImage } from './built-image.js';
import type { TarEntry } from './tar.js';
import { lookupBundle, memoKey, storeBundle, type BundleFile, type MemoEntry } from './memo.js';
import { ENTRY, type PartBundle } from './image-bundle.js';
import { fnkitPaths } from './bundle-paths.js';

/** Node.js 24 is the Active LTS line (Node 20 reached end of life in April 2026). */
export const DEFAULT_BASE = 'docker.io/library/node:24-slim';
export const APP_DIR = 'app';
export const LAMBDA_TASK_ROOT = 'var/task';
export const PORT = 8080;

export async function build(spec: FunctionSpec, opts: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => undefined);
  const epoch = opts.sourceDateEpoch ?? parseEpoch(process.env.SOURCE_DATE_EPOCH);
  const cacheRoot = opts.cacheDir ? join(opts.cacheDir, '..') : defaultCacheRoot(process.env);
  const blobCache = opts.cacheDir ?? join(cacheRoot, 'blobs');
  const target = targetReference(spec, opts);
  if (opts.push && !target) {
    throw new FnkitError('FN_ERR_BUILD_NO_IMAGE', `nowhere to push "${spec.name}": no image name given and fn.yaml has no build.image or build.registry`, {
      hint: 'set build.registry (e.g. ghcr.io/you) or build.image in fn.yaml, or pass the image name',
      data: { function: spec.name },
    });
  }
  await checkHandler(spec);
  const insecure = opts.insecure ?? spec.build.insecure ?? false;
  const client = new RegistryClient({ insecure, cacheDir: blobCache, signal: opts.signal });
  try {
    return await buildWith(client, spec, opts, { started, progress, epoch, cacheRoot, target });
  } finally {
    client.close();
  }
}

interface BuildContext {
  started: number;
  progress: NonNullable<BuildOptions['onProgress']>;
  epoch: number;
  cacheRoot: string;
  target: ImageReference | undefined;
}

async function buildWith(client: RegistryClient, spec: FunctionSpec, opts: BuildOptions, ctx: BuildContext): Promise<BuildResult> {
  const { started, progress, epoch, cacheRoot, target } = ctx;

  const baseText = spec.build.base ?? DEFAULT_BASE;
  progress('resolve base', { base: baseText });
  progress('bundle', { runtime: spec.runtime });
  // independent steps overlap: registry round trips, esbuild and git run at the same time
  const [base, fnLayer, git] = await Promise.all([
    resolveBase(client, baseText, opts.platforms ?? spec.build.platforms, join(cacheRoot, 'manifests')).then((b) => {
      progress('resolved base', { base: baseText, digest: b.digest, platforms: b.images.map((i) => formatPlatform(i.platform)) });
      return b;
    }),
    functionLayers(spec, opts, epoch, cacheRoot),
    gitFacts(spec.dir),
  ]);
  const lambda = spec.runtime === 'lambda';
  const depsByPlatform = new Map<string, Layer | undefined>();
  for (const im of base.images) {
    const packages = lambda ? ('all' as const) : fnLayer.external;
    if (packages !== 'all' && packages.length === 0) continue;
    progress('dependencies', { platform: formatPlatform(im.platform), packages });
    depsByPlatform.set(formatPlatform(im.platform), await depsLayer({
      dir: spec.dir, packages, platform: im.platform, root: lambda ? LAMBDA_TASK_ROOT : APP_DIR, mtime: epoch,
      cacheDir: join(cacheRoot, 'layers'), signal: opts.signal,
    }));
  }

  progress('assemble', {});
  const image = assemble(spec, base, fnLayer.runtime, fnLayer.layer, fnLayer.entry, depsByPlatform, epoch, git, client);
  // in image order: runtime, dependencies (one per platform when they differ), the function's own
  const layers = [fnLayer.runtime, ...new Set([...depsByPlatform.values()].filter((l): l is Layer => !!l)), fnLayer.layer];
  const result: BuildResult = {
    digest: image.top.digest,
    mediaType: image.top.mediaType,
    platforms: image.images.map((i) => formatPlatform(i.platform)),
    layers: dedupe(layers).map((l) => ({ digest: l.digest, size: l.size, description: l.description })),
    durationMs: 0,
  };
  if (opts.layout) {
    progress('layout', { dir: opts.layout });
    const { writeLayout } = await import('../publish/layout.js');
    await writeLayout(image, opts.layout, target?.tag ?? (target ? 'latest' : undefined));
  }
  if (opts.tar) {
    progress('tar', { file: opts.tar });
    const { writeTarball } = await import('../publish/tarball.js');
    const repoTag = target ? `${target.registry}/${target.repository}:${target.tag ?? 'latest'}` : undefined;
    await writeTarball(image, opts.tar, { repoTag, platform: hostPlatform(), mtime: epoch });
  }
  if (opts.push && target) {
    progress('push', { image: formatReference(target) });
    const { publishToRegistry } = await import('../publish/registry.js');
    const pushed = await publishToRegistry(image, target, client);
    result.reference = pushed.reference;
    progress('pushed', { reference: pushed.reference, uploaded: pushed.uploaded, skipped: pushed.skipped });
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

function dedupe(layers: Layer[]): Layer[] {
  const seen = new Set<string>();
  return layers.filter((l) => !seen.has(l.digest) && !!seen.add(l.digest));
}

/** The target repository: the option, else fn.yaml build.image, else build.registry/name. */
export function targetReference(spec: FunctionSpec, opts: Pick<BuildOptions, 'image'>): ImageReference | undefined {
  const text = opts.image ?? spec.build.image ?? (spec.build.registry ? `${spec.build.registry.replace(/\/+$/, '')}/${spec.name}` : undefined);
  return text === undefined ? undefined : parseReference(text);
}

export function parseEpoch(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  if (!/^\d+$/.test(value.trim())) {
    throw new FnkitError('FN_ERR_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got "${value}"`, {
      hint: 'set it to e.g. $(git log -1 --format=%ct), or unset it to use 0',
      data: { value },
    });
  }
  return Number(value.trim());
}

export function defaultCacheRoot(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'fnkit');
}

/** The handler must exist before anything is fetched: the commonest mistake, named precisely. */
async function checkHandler(spec: FunctionSpec): Promise<void> {
  if (spec.runtime === 'lambda') {
    // 'src/app.handler' -> src/app.{js,mjs,cjs}: the module part is everything before the last dot
    const mod = spec.handler.slice(0, spec.handler.lastIndexOf('.'));
    const candidates = ['.js', '.mjs', '.cjs'].map((e) => join(spec.dir, mod + e));
    for (const c of candidates) if (await exists(c)) return;
    throw new FnkitError('FN_ERR_HANDLER_NOT_FOUND', `handler "${spec.handler}" names module ${mod}, but none of ${candidates.map((c) => relative(spec.dir, c)).join(', ')} exists in ${spec.dir}`, {
      hint: 'fix fn.yaml handler (file.export, as AWS writes it) or add the file',
      data: { handler: spec.handler, dir: spec.dir },
    });
  }
  const file = join(spec.dir, spec.handler);
  if (!(await exists(file))) {
    throw new FnkitError('FN_ERR_HANDLER_NOT_FOUND', `handler file ${spec.handler} does not exist in ${spec.dir}`, {
      hint: 'fix fn.yaml handler, or create the file that exports your function',
      data: { handler: spec.handler, dir: spec.dir },
    });
  }
}

function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

/**
 * The JavaScript layers: the fnkit runtime (the same for every function of this fnkit version)
 * and the function's own layer (its entry + source map + included files; Lambda: the task root).
 */
async function functionLayers(spec: FunctionSpec, opts: BuildOptions, epoch: number, cacheRoot: string): Promise<{ runtime: Layer; layer: Layer; external: string[]; entry: string }> {
  const memoDir = join(cacheRoot, 'bundles');
  const paths = fnkitPaths();
  const version = { node: process.version, fnkit: fnkitVersion(paths.root) };
  const runtime = await memoized(memoDir, { v: 4, part: 'runtime', ...version }, opts.signal, async (outdir) => {
    const { runtimeBundle } = await import('./image-bundle.js');
    return runtimeBundle(spec, outdir, paths);
  }, undefined, paths.root);
  const own = await memoized(memoDir, { v: 4, part: 'function', spec, ...version }, opts.signal, async (outdir) => {
    const { functionBundle } = await import('./image-bundle.js');
    return functionBundle(spec, outdir, paths);
  }, spec.dir, paths.root);
  const toEntries = (files: BundleFile[]): TarEntry[] => files.map((f) => ({ path: `${APP_DIR}/${f.rel}`, type: 'file', data: f.data }));
  const entries = toEntries(own.files);
  const lambda = spec.runtime === 'lambda';
  const files = await collectFiles(spec.dir, lambda
    ? { all: true, include: spec.build.include, exclude: ['fn.yaml', 'package-lock.json', 'npm-shrinkwrap.json'] }
    : { include: spec.build.include });
  for (const f of files) {
    entries.push({ path: `${lambda ? LAMBDA_TASK_ROOT : APP_DIR}/${f.rel}`, type: 'file', data: await readFile(f.abs), mode: f.mode });
  }
  const what = lambda ? `Lambda entry + ${files.length} task root file(s)` : `function ${ENTRY}${files.length ? ` + ${files.length} included file(s)` : ''}`;
  return {
    runtime: await cachedLayer(join(cacheRoot, 'layers'), toEntries(runtime.files), epoch, `fnkit ${version.fnkit} runtime (invoker, runtimes; shared by every function)`),
    layer: makeLayer(entries, epoch, what),
    external: own.external,
    entry: `/${APP_DIR}/${ENTRY}`,
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
    const part = await run(outdir);
    const files = await Promise.all(part.files.map(async (f) => {
      const data = await readFile(f);
      const dir = dirname(f);
      return { rel: relative(outdir, f).split(sep).join('/'), data: f.endsWith('.map') ? portableSourceMap(data, dir, fnDir, fnkitRoot) : data };
    }));
    const entry: MemoEntry = { files, external: part.external, entry: ENTRY };
    if (part.inputs.length) await storeBundle(memoDir, key, part.inputs, entry).catch(() => undefined);
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

function fnkitVersion(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface GitFacts { revision?: string; source?: string }

/**
 * The last commit that touched the function folder (not HEAD: an unrelated commit elsewhere in
 * the repository must not change the digest and roll a new Knative revision), and the origin
 * URL without credentials.
 */
async function gitFacts(dir: string): Promise<GitFacts> {
  const run = promisify(execFile);
  const out: GitFacts = {};
  try {
    const rev = (await run('git', ['-C', dir, 'log', '-1', '--format=%H', '--', '.'], { timeout: 5000 })).stdout.trim();
    if (/^[0-9a-f]{40,64}$/.test(rev)) out.revision = rev;
    const url = (await run('git', ['-C', dir, 'config', '--get', 'remote.origin.url'], { timeout: 5000 })).stdout.trim();
    if (url) out.source = publicUrl(url);
  } catch {
    // not a git checkout, or no origin: the labels are simply left out
  }
  return out;
}

/** git@host:o/r.git -> https://host/o/r; https://user:token@host/... -> https://host/... */
export function publicUrl(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\.git$/, '');
  } catch {
    return url;
  }
}

function assemble(spec: FunctionSpec, base: ResolvedBase, runtime: Layer, fn: Layer, entry: string, deps: Map<string, Layer | undefined>, epoch: number, git: GitFacts, client: RegistryClient): BuiltImage {
  const created = rfc3339(epoch);
  const lambda = spec.runtime === 'lambda';
  const common: Record<string, string> = {
    'org.opencontainers.image.title': spec.name,
    'org.opencontainers.image.created': created,
    'org.opencontainers.image.base.name': base.text,
    'dev.fnkit.runtime': spec.runtime,
  };
  if (git.revision) common['org.opencontainers.image.revision'] = git.revision;
  if (git.source) common['org.opencontainers.image.source'] = git.source;
  const built = new Map<string, Buffer>([[runtime.digest, runtime.blob], [fn.digest, fn.blob]]);
  const images: PlatformImage[] = base.images.map((b) => {
    const dep = deps.get(formatPlatform(b.platform));
    // least often changed first, so a pull after a code change fetches only the last layer
    const layers = dep ? [runtime, dep, fn] : [runtime, fn];
    if (dep) built.set(dep.digest, dep.blob);
    const labels = { ...common, 'org.opencontainers.image.base.digest': b.manifestDigest };
    const env: Record<string, string> = { NODE_ENV: 'production', PORT: String(PORT) };
    if (lambda) env.LAMBDA_TASK_ROOT = `/${LAMBDA_TASK_ROOT}`;
    const config = makeConfig({ ...b.config, ...(b.platform.variant ? { variant: b.platform.variant } : {}) }, layers, {
      entrypoint: [nodeBinaryOf(b.config), '--enable-source-maps', entry],
      workingDir: `/${lambda ? LAMBDA_TASK_ROOT : APP_DIR}`,
      user: userFor(b.config),
      env,
      exposedPort: PORT,
      labels,
      created,
    }, base.family);
    built.set(config.digest, config.bytes);
    const manifest = makeManifest(b.manifest, config, layers, base.family, labels);
    const descs = (JSON.parse(manifest.bytes.toString()) as { layers: PlatformImage['layers'] }).layers;
    return { platform: b.platform, manifest, config, layers: descs };
  });
  const top: Doc = base.isIndex ? makeIndex(images.map((i) => ({ manifest: i.manifest, platform: i.platform })), base.family, common) : images[0]!.manifest;
  return {
    top,
    images,
    builtHere: new Set(built.keys()),
    async readBlob(digest) {
      return built.get(digest) ?? client.getBlob(base.ref, digest);
    },
  };
}
