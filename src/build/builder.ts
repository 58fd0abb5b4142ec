// The builder: FunctionSpec -> image value -> the outputs asked for. Steps, each reported:
// resolve base, bundle, layers, assemble, then push / layout / tar (src/publish/*).
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';
import { RegistryClient } from '../registry/client.js';
import { formatReference, parseReference, type ImageReference } from '../registry/reference.js';
import type { BuildOptions, BuildResult } from './index.js';
import { resolveBase, type BaseImage, type ResolvedBase } from './base.js';
import { baseNodeBinary } from './base-node.js';
import { codeCacheLayer } from './code-cache.js';
import type { BundleFile } from './memo.js';
import { depsLayer } from './deps.js';
import type { Layer } from './layer.js';
import { envValue, makeConfig, makeIndex, makeManifest, nodeBinaryOf, rfc3339, userFor, type Doc } from './image.js';
import { formatPlatform, hostPlatform } from './platform.js';
import type { BuiltImage, PlatformImage } from './built-image.js';
import { APP_DIR, LAMBDA_TASK_ROOT, functionLayers } from './js-layers.js';
import { imageEnv } from './image-bundle.js';
import { gitFacts, type GitFacts } from './git.js';


/** Node.js 24 is the Active LTS line (Node 20 reached end of life in April 2026). */
export const DEFAULT_BASE = 'docker.io/library/node:24-slim';
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
  const client = new RegistryClient({
    insecure, cacheDir: blobCache, signal: opts.signal,
    // blob transfers are the slow part of a first build or push: say which and how big
    onProgress: (e) => { if (e.kind !== 'skip') progress(e.kind, { digest: e.digest, size: e.size }); },
  });
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

  const cacheByPlatform = new Map<string, Layer>();
  const envByPlatform = new Map<string, Record<string, string>>();
  for (const im of base.images) {
    const platform = formatPlatform(im.platform);
    // the base's node version decides NODE_OPTIONS (imageEnv); the code cache is made under it
    let version = declaredNodeVersion(im.config);
    if (spec.build.codeCache !== false) {
      progress('code cache', { platform });
      const made = await codeCacheFor(client, base, im, spec, version, fnLayer, epoch, cacheRoot, opts.signal);
      // known whenever the base's node ran here, even if no cache came of it
      version ??= made.node;
      if ('layer' in made) {
        cacheByPlatform.set(platform, made.layer);
        progress('code cache made', { platform, node: made.node, size: made.layer.size });
      } else progress('code cache skipped', { platform, reason: made.skip });
    }
    envByPlatform.set(platform, imageEnv(version));
  }

  progress('assemble', {});
  const image = assemble(spec, base, fnLayer.runtime, fnLayer.layer, fnLayer.entry, depsByPlatform, cacheByPlatform, envByPlatform, epoch, git, client);
  // in image order: runtime, code cache and dependencies (per platform), the function's own
  const perPlatform = [...cacheByPlatform.values(), ...[...depsByPlatform.values()].filter((l): l is Layer => !!l)];
  const layers = [fnLayer.runtime, ...perPlatform, fnLayer.layer];
  const result: BuildResult = {
    digest: image.top.digest,
    mediaType: image.top.mediaType,
    platforms: image.images.map((i) => formatPlatform(i.platform)),
    layers: dedupe(layers).map((l) => ({ digest: l.digest, size: l.size, description: l.description })),
    durationMs: 0,
    base: { reference: baseText, digest: base.digest },
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
    progress('pushed', { reference: pushed.reference, uploaded: pushed.uploaded, mounted: pushed.mounted, skipped: pushed.skipped });
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
  const st = spec.runtime === 'lambda' ? await stat(join(spec.dir, 'bootstrap')).catch(() => undefined) : undefined;
  if (spec.runtime === 'lambda' && isCustomRuntime(spec, st)) {
    // provided.*: the handler string is the bootstrap's business; the executable must exist
    if (!st?.isFile() || (st.mode & 0o111) === 0) {
      throw new FnkitError('FN_ERR_HANDLER_NOT_FOUND', `lambda.awsRuntime ${String(spec.lambda?.awsRuntime)} needs an executable file "bootstrap" in ${spec.dir}${st ? ' (it is not executable)' : ''}`, {
        hint: st ? 'chmod +x bootstrap' : 'add the bootstrap executable that talks to the Runtime API, or use a nodejs awsRuntime',
        data: { dir: spec.dir },
      });
    }
    return;
  }
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

/** A custom runtime (provided.*), named in fn.yaml or implied by an executable bootstrap (lambda schema). */
function isCustomRuntime(spec: FunctionSpec, bootstrap: { mode: number; isFile(): boolean } | undefined): boolean {
  const named = spec.lambda?.awsRuntime;
  if (typeof named === 'string') return named.startsWith('provided');
  return !!bootstrap?.isFile() && (bootstrap.mode & 0o111) !== 0;
}

function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

/** The Node.js version a base declares (the official images set NODE_VERSION), if it does. */
export function declaredNodeVersion(baseConfig: any): string | undefined {
  const v = envValue(baseConfig, 'NODE_VERSION');
  return v && /^v?\d+\./.test(v) ? v : undefined;
}

/**
 * The code cache layer for one platform of the base, made by that platform's own node. Never fails
 * the build (a registry error fetching a base layer, a full disk): the image works without it.
 */
export async function codeCacheFor(client: RegistryClient, base: ResolvedBase, im: BaseImage, spec: FunctionSpec, declared: string | undefined, js: { runtimeFiles: BundleFile[] }, epoch: number, cacheRoot: string, signal: AbortSignal | undefined): Promise<{ node?: string } & ({ layer: Layer } | { skip: string })> {
  try {
    const node = await baseNodeBinary({ client, ref: base.ref, image: im, cacheDir: cacheRoot, signal });
    if ('skip' in node) return node;
    const made = await codeCacheLayer({
      node, runtimeFiles: js.runtimeFiles, appDir: APP_DIR, epoch, signal,
      // what the container's node will run with: fn.yaml's NODE_OPTIONS (set at deploy) replaces the image's
      nodeOptions: spec.env.NODE_OPTIONS ?? imageEnv(declared ?? node.version).NODE_OPTIONS,
      layerCacheDir: join(cacheRoot, 'layers'),
      cacheDir: join(cacheRoot, 'code-cache'),
    });
    return { node: node.version, ...made };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { skip: `it could not be made: ${(err as Error).message}` };
  }
}

function assemble(spec: FunctionSpec, base: ResolvedBase, runtime: Layer, fn: Layer, entry: string, deps: Map<string, Layer | undefined>, caches: Map<string, Layer>, envs: Map<string, Record<string, string>>, epoch: number, git: GitFacts, client: RegistryClient): BuiltImage {
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
    const cache = caches.get(formatPlatform(b.platform));
    // least often changed first, so a pull after a code change fetches only the last layer
    const layers = [runtime, ...(cache ? [cache] : []), ...(dep ? [dep] : []), fn];
    for (const l of [dep, cache]) if (l) built.set(l.digest, l.blob);
    const labels = { ...common, 'org.opencontainers.image.base.digest': b.manifestDigest };
    const env: Record<string, string> = { ...(envs.get(formatPlatform(b.platform)) ?? imageEnv(undefined)), PORT: String(PORT) };
    if (lambda) env.LAMBDA_TASK_ROOT = `/${LAMBDA_TASK_ROOT}`;
    const config = makeConfig({ ...b.config, ...(b.platform.variant ? { variant: b.platform.variant } : {}) }, layers, {
      // no --enable-source-maps: it parses every map at start; the invoker maps stacks lazily
      // (invoker/stack-maps.ts), so logged stacks still name the .ts lines
      entrypoint: [nodeBinaryOf(b.config), entry],
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
    baseRef: base.ref,
    async readBlob(digest) {
      return built.get(digest) ?? client.getBlob(base.ref, digest);
    },
  };
}
