// The base image's own node binary, on the build machine. A V8 code cache is only accepted by
// the exact V8 build (and flags) that made it, so the cache fn build puts in an image must be
// made by the node binary that image will run, not by whatever node runs fn. That binary is
// taken out of the base image's layers here, with the registry client and a tar reader: no
// Docker, no podman. The copy is kept under the build cache, so a later build with the same
// base fetches nothing.
//
// The base's filesystem is the union of its layers (OCI image-spec layer.md): a path is looked
// up from the top (last) layer down, `.wh.<name>` hides <name> in the layers below,
// `<dir>/.wh..wh..opq` hides everything below in <dir>, and symlinks are followed inside the
// image (absolute targets from the image's root). Only the layers needed are fetched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import type { RegistryClient } from '../registry/client.js';
import type { ImageReference } from '../registry/reference.js';
import { atomicWrite } from './atomic-write.js';
import type { BaseImage } from './base.js';
import { envValue, nodeBinaryOf, type Descriptor } from './image.js';
import { formatPlatform, hostPlatform, platformMatches, type Platform } from './platform.js';

export type BaseNode = { path: string; version: string } | { skip: string };

export interface BaseNodeOptions {
  client: RegistryClient;
  ref: ImageReference;
  image: BaseImage;
  /** fn build's cache directory; the binary goes to <cacheDir>/node/<key>/node. */
  cacheDir: string;
  signal?: AbortSignal;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MAX_SYMLINK_HOPS = 5;
const RUN_TIMEOUT_MS = 10_000;

/** A skip, with the reason the builder prints. */
class Skip extends Error {}

export async function baseNodeBinary(o: BaseNodeOptions): Promise<BaseNode> {
  o.signal?.throwIfAborted();
  const host = thisMachine();
  if (!platformMatches(host, o.image.platform)) {
    return { skip: `base is ${formatPlatform(o.image.platform)}; this machine is ${formatPlatform(host)}` };
  }
  const wanted = nodeBinaryOf(o.image.config);
  const searchPath = pathOf(o.image.config);
  // Keyed by what decides the answer (every layer, the binary's name, the PATH it is looked up
  // in), so a hit is known before any blob is fetched.
  const key = createHash('sha256')
    .update([...o.image.layers.map((l) => l.digest), wanted, wanted.includes('/') ? '' : searchPath].join('\n'))
    .digest('hex');
  const file = join(o.cacheDir, 'node', key, 'node');

  const cached = await stat(file).then((s) => s.isFile() && s.size > 0, () => false);
  if (!cached) {
    try {
      const data = await findInLayers(o, wanted, searchPath);
      await atomicWrite(file, data);
    } catch (err) {
      if (err instanceof Skip) return { skip: err.message };
      throw err;
    }
  }
  // Also on a hit: a concurrent build may have renamed the file in before its chmod.
  await chmod(file, 0o755);
  // The version that node printed when it last ran here: every build asks, and starting node to
  // ask again costs ~50 ms of each rebuild.
  const versionFile = join(o.cacheDir, 'node', key, 'version');
  if (cached) {
    const known = (await readFile(versionFile, 'utf8').catch(() => '')).trim();
    if (/^v\d+\.\d+\.\d+/.test(known)) return { path: file, version: known };
  }
  const ran = await runs(file, o.signal);
  if ('version' in ran) await atomicWrite(versionFile, Buffer.from(ran.version + '\n')).catch(() => undefined);
  return ran;
}

/** This machine as an OCI platform (process.platform names, except win32, are OCI's). */
function thisMachine(): Platform {
  const h = hostPlatform();
  return { ...h, os: process.platform === 'win32' ? 'windows' : process.platform };
}

function pathOf(config: any): string {
  return envValue(config, 'PATH') ?? DEFAULT_PATH;
}

/** Runs the copy once: it must start here and say its version. */
function runs(file: string, signal: AbortSignal | undefined): Promise<BaseNode> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      ['-p', 'process.version'],
      { timeout: RUN_TIMEOUT_MS, env: { PATH: '/usr/bin:/bin', LANG: 'C' }, encoding: 'utf8', signal, windowsHide: true },
      (err, stdout, stderr) => {
        if (signal?.aborted) return reject(signal.reason);
        const version = String(stdout).trim();
        if (!err && /^v\d+\.\d+\.\d+/.test(version)) return resolve({ path: file, version });
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
        const why = firstLine(String(stderr))
          || (e?.killed ? `it did not answer within ${RUN_TIMEOUT_MS / 1000} s`
            : e?.code && typeof e.code === 'string' ? `${e.code}${e.message ? ` (${firstLine(e.message)})` : ''}`
            : e ? firstLine(e.message) : `it printed ${JSON.stringify(version.slice(0, 80))}, not a version`);
        resolve({ skip: `the base image's node does not run on this machine: ${why}` });
      },
    );
  });
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
}

// ---- the union filesystem of the layers, read lazily from the top ----

type EntryKind = 'file' | 'dir' | 'symlink' | 'link' | 'other';
interface Entry { kind: EntryKind; mode: number; linkname: string }

interface LayerIndex {
  /** Entries the layer has, by normalised path (no leading '/'). */
  entries: Map<string, Entry>;
  /** Directories that exist in the layer only because entries are inside them. */
  implicitDirs: Set<string>;
  /** Paths a `.wh.<name>` hides in lower layers. */
  whiteouts: Set<string>;
  /** Directories whose lower-layer contents a `.wh..wh..opq` hides. */
  opaque: Set<string>;
  /** Contents of regular files that were asked for while reading the layer. */
  captured: Map<string, Buffer>;
}

interface Found { layer: number; path: string; entry: Entry }

function normalise(name: string): string {
  return name.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let d = posix.dirname(path); d !== '.' && d !== '/' && d !== ''; d = posix.dirname(d)) out.push(d);
  return out;
}

function describe(d: Descriptor): string {
  return `${d.digest.slice(0, 19)} (${d.mediaType})`;
}

async function findInLayers(o: BaseNodeOptions, wanted: string, searchPath: string): Promise<Buffer> {
  const layers = o.image.layers;
  const indexes = new Map<number, Promise<LayerIndex>>();
  // Regular files worth keeping while a layer is read anyway: the candidates for the binary.
  const candidates = wanted.includes('/')
    ? [normalise(posix.resolve('/', wanted))]
    : searchPath.split(':').filter((d) => d.startsWith('/')).map((d) => normalise(posix.join(d, wanted)));
  const keep = new Set(candidates);

  const index = (i: number): Promise<LayerIndex> => {
    let p = indexes.get(i);
    if (!p) {
      p = readLayer(o, layers[i]!, keep);
      indexes.set(i, p);
    }
    return p;
  };

  /** The top-most entry for exactly this path (its ancestors are taken as directories). */
  const lookup = async (path: string): Promise<Found | 'dir' | undefined> => {
    let implicit = false;
    for (let i = layers.length - 1; i >= 0; i--) {
      o.signal?.throwIfAborted();
      const idx = await index(i);
      const e = idx.entries.get(path);
      if (e) return { layer: i, path, entry: e };
      if (idx.whiteouts.has(path)) return implicit ? 'dir' : undefined;
      if (idx.implicitDirs.has(path)) implicit = true;
      // A whiteout, an opaque directory or a non-directory at an ancestor hides lower layers.
      for (const a of [...ancestors(path), '']) {
        const ae = idx.entries.get(a);
        if (idx.whiteouts.has(a) || idx.opaque.has(a) || (ae && ae.kind !== 'dir')) return implicit ? 'dir' : undefined;
      }
    }
    return implicit ? 'dir' : undefined;
  };

  /** Resolves a path through symlinks to a regular file, or undefined. */
  const resolve = async (start: string): Promise<Found | undefined> => {
    let path = start;
    let hops = 0;
    restart: for (;;) {
      const parts = path.split('/').filter((p) => p !== '');
      let dir = '';
      for (let k = 0; k < parts.length; k++) {
        const here = dir ? `${dir}/${parts[k]}` : parts[k]!;
        const last = k === parts.length - 1;
        const f = await lookup(here);
        if (f === undefined) return undefined;
        if (f === 'dir' || f.entry.kind === 'dir') {
          if (last) return undefined;
          dir = here;
          continue;
        }
        if (f.entry.kind === 'symlink') {
          if (++hops > MAX_SYMLINK_HOPS) {
            throw new Skip(`the base image's ${'/' + start} goes through more than ${MAX_SYMLINK_HOPS} symlinks`);
          }
          const target = normalise(posix.resolve('/' + dir, f.entry.linkname));
          path = [target, ...parts.slice(k + 1)].filter((p) => p !== '').join('/');
          keep.add(path);
          continue restart;
        }
        if (!last) return undefined;
        if (f.entry.kind === 'file' || f.entry.kind === 'link') return f;
        return undefined;
      }
      return undefined;
    }
  };

  let found: Found | undefined;
  for (const c of candidates) {
    const f = await resolve(c);
    // A PATH search, like a shell's, takes only executable files.
    if (f && (wanted.includes('/') || (f.entry.mode & 0o111) !== 0)) { found = f; break; }
  }
  if (!found) {
    throw new Skip(wanted.includes('/')
      ? `base image has no ${posix.resolve('/', wanted)}`
      : `base image has no ${wanted} on its PATH (${searchPath})`);
  }
  // A hard link's content is that of the path it names, earlier in the same layer.
  const source = found.entry.kind === 'link' ? normalise(found.entry.linkname) : found.path;
  const idx = await index(found.layer);
  const data = idx.captured.get(source) ?? await readFileFromLayer(o, layers[found.layer]!, source);
  if (!data) throw new Skip(`base layer ${describe(layers[found.layer]!)} names /${found.path} but holds no content for it`);
  return data;
}

/** A layer's bytes as a tar stream, or a Skip for a compression this reader does not know. */
async function tarStream(o: BaseNodeOptions, d: Descriptor): Promise<Readable> {
  const mt = d.mediaType ?? '';
  if (/zstd/i.test(mt)) {
    throw new Skip(`base layer ${describe(d)} is zstd-compressed; fnkit reads gzip and plain tar layers`);
  }
  if (/encrypted/i.test(mt)) throw new Skip(`base layer ${describe(d)} is encrypted`);
  const blob = await o.client.getBlob(o.ref, d.digest);
  // The bytes decide, not the media type (Docker's and OCI's names differ, some registries lie).
  if (blob[0] === 0x28 && blob[1] === 0xb5 && blob[2] === 0x2f && blob[3] === 0xfd) {
    throw new Skip(`base layer ${describe(d)} is zstd-compressed; fnkit reads gzip and plain tar layers`);
  }
  const src = Readable.from([blob]);
  if (blob[0] === 0x1f && blob[1] === 0x8b) {
    const gunzip = createGunzip();
    src.on('error', (e) => gunzip.destroy(e));
    return src.pipe(gunzip);
  }
  return src;
}

/** Calls onEntry for each entry of a layer; the entry's data is read when it returns a sink. */
async function eachEntry(
  o: BaseNodeOptions,
  d: Descriptor,
  onEntry: (name: string, header: { type: string | null | undefined; mode?: number; linkname?: string | null }) => ((data: Buffer) => void) | undefined,
): Promise<void> {
  const input = await tarStream(o, d);
  const ex = extract();
  input.on('error', (e) => ex.destroy(e));
  input.pipe(ex as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of ex) {
      const sink = onEntry(entry.header.name, entry.header);
      if (sink) {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        sink(Buffer.concat(chunks));
      } else {
        entry.resume();
      }
      o.signal?.throwIfAborted();
    }
  } catch (err) {
    input.destroy();
    if (o.signal?.aborted) throw o.signal.reason;
    if (err instanceof Skip) throw err;
    throw new Skip(`cannot read base layer ${describe(d)}: ${(err as Error).message}`);
  }
}

async function readLayer(o: BaseNodeOptions, d: Descriptor, keep: Set<string>): Promise<LayerIndex> {
  const idx: LayerIndex = { entries: new Map(), implicitDirs: new Set(), whiteouts: new Set(), opaque: new Set(), captured: new Map() };
  await eachEntry(o, d, (name, h) => {
    const path = normalise(name);
    if (path === '' || path === '.') return undefined;
    for (const a of ancestors(path)) idx.implicitDirs.add(a);
    const base = posix.basename(path);
    const dir = posix.dirname(path);
    if (base === '.wh..wh..opq') { idx.opaque.add(dir === '.' ? '' : dir); return undefined; }
    if (base.startsWith('.wh.')) { idx.whiteouts.add(dir === '.' ? base.slice(4) : `${dir}/${base.slice(4)}`); return undefined; }
    const kind: EntryKind = h.type === 'file' || h.type === 'contiguous-file' ? 'file'
      : h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : h.type === 'link' ? 'link' : 'other';
    idx.entries.set(path, { kind, mode: h.mode ?? 0, linkname: h.linkname ?? '' });
    if (kind === 'file' && keep.has(path)) return (data) => { idx.captured.set(path, data); };
    return undefined;
  });
  for (const p of idx.entries.keys()) idx.implicitDirs.delete(p);
  return idx;
}

async function readFileFromLayer(o: BaseNodeOptions, d: Descriptor, path: string): Promise<Buffer | undefined> {
  let data: Buffer | undefined;
  await eachEntry(o, d, (name, h) => {
    if (normalise(name) !== path || (h.type !== 'file' && h.type !== 'contiguous-file')) return undefined;
    return (b) => { data = b; };
  });
  return data;
}
