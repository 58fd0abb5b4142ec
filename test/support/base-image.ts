// A Node base image for tests, made from this machine's own Node binary because no public
// registry is reachable here (../shared/environment.md, "A Node base image without Docker Hub"):
// /usr/local/bin/node, every library `ldd` names at its own path, /etc/passwd with a non-root
// user, an empty /tmp. One reproducible gzip layer, built once per Node binary and kept on disk
// between test runs, then pushed with fnkit's own RegistryClient to the registry a test started.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { RegistryClient } from '../../src/registry/client.js';
import { StaticCredentialStore } from '../../src/registry/credentials.js';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST } from '../../src/registry/media-types.js';
import { parseReference } from '../../src/registry/reference.js';

export interface TestBaseImageOptions {
  /** Push an OCI index with linux/amd64 and linux/arm64 entries instead of one manifest. */
  multiArch?: boolean;
  /** Credentials when the registry has basic auth. */
  auth?: { user: string; password: string };
}

export interface TestBaseImage { reference: string; digest: string }

interface Built { layer: Buffer; layerDigest: string; diffId: string; nodeMajor: string }

/** Bump when the recipe changes, so stale cached layers are not reused. */
const RECIPE = 'fnkit-test-base/1';
const NONROOT_UID = 65532;

function nodeBinary(): string {
  return realpathSync(existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath);
}

/** Shared libraries the dynamic linker loads for a binary, from `ldd` (absolute paths). */
export function lddLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]!);
  }
  return [...libs].sort();
}

// ---- a minimal ustar writer (POSIX.1-1988), enough for this fixed tree ----
interface Entry { name: string; type: 'file' | 'dir' | 'symlink'; mode: number; uid?: number; data?: Buffer; link?: string }

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function tarHeader(e: Entry): Buffer {
  const h = Buffer.alloc(512);
  let name = e.type === 'dir' ? `${e.name}/` : e.name;
  let prefix = '';
  if (name.length > 100) { const i = name.lastIndexOf('/', 154); prefix = name.slice(0, i); name = name.slice(i + 1); }
  h.write(name, 0, 100);
  h.write(octal(e.mode, 8), 100);
  h.write(octal(e.uid ?? 0, 8), 108);
  h.write(octal(e.uid ?? 0, 8), 116);
  h.write(octal(e.type === 'file' ? e.data!.length : 0, 12), 124);
  h.write(octal(0, 12), 136); // mtime: the epoch, for a reproducible layer
  h.write('        ', 148);
  h.write(e.type === 'file' ? '0' : e.type === 'dir' ? '5' : '2', 156);
  if (e.link) h.write(e.link, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

function tar(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e));
    if (e.type === 'file') {
      parts.push(e.data!);
      const pad = (512 - (e.data!.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function buildLayer(node: string): Built {
  const files = new Map<string, Entry>();
  const dirs = new Map<string, Entry>();
  const addDirs = (path: string) => {
    for (let d = dirname(path); d !== '.' && d !== '/' && d !== ''; d = dirname(d)) {
      if (!dirs.has(d)) dirs.set(d, { name: d, type: 'dir', mode: 0o755 });
    }
  };
  const add = (e: Entry) => { files.set(e.name, e); addDirs(e.name); };
  add({ name: 'usr/local/bin/node', type: 'file', mode: 0o755, data: readFileSync(node) });
  add({ name: 'usr/bin/node', type: 'symlink', mode: 0o777, link: '/usr/local/bin/node' });
  for (const lib of lddLibraries(node)) add({ name: lib.slice(1), type: 'file', mode: 0o755, data: readFileSync(realpathSync(lib)) });
  add({ name: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${NONROOT_UID}:${NONROOT_UID}:nonroot:/home/nonroot:/sbin/nologin\n`) });
  add({ name: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from(`root:x:0:\nnonroot:x:${NONROOT_UID}:\n`) });
  dirs.set('tmp', { name: 'tmp', type: 'dir', mode: 0o1777 });
  dirs.set('home', { name: 'home', type: 'dir', mode: 0o755 });
  dirs.set('home/nonroot', { name: 'home/nonroot', type: 'dir', mode: 0o700, uid: NONROOT_UID });
  dirs.set('root', { name: 'root', type: 'dir', mode: 0o700 });
  const entries = [...dirs.values(), ...files.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const raw = tar(entries);
  // Level 1: the layer is built on every fresh CI machine; speed beats a few MB here.
  const layer = gzipSync(raw, { level: 1 });
  const nodeMajor = /^v(\d+)/.exec(execFileSync(node, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  return {
    layer,
    layerDigest: 'sha256:' + createHash('sha256').update(layer).digest('hex'),
    diffId: 'sha256:' + createHash('sha256').update(raw).digest('hex'),
    nodeMajor,
  };
}

/** The layer for this machine's Node, from the on-disk cache or built (once, across processes). */
async function cachedLayer(): Promise<Built> {
  const node = nodeBinary();
  const st = statSync(node);
  const key = createHash('sha256').update(`${RECIPE}\n${node}\n${st.size}\n${st.mtimeMs}`).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'fnkit-test-base', key);
  const metaFile = join(dir, 'meta.json');
  const layerFile = join(dir, 'layer.tar.gz');
  const load = async (): Promise<Built | undefined> => {
    try {
      const meta = JSON.parse(await readFile(metaFile, 'utf8')) as Omit<Built, 'layer'>;
      const layer = await readFile(layerFile);
      if ('sha256:' + createHash('sha256').update(layer).digest('hex') !== meta.layerDigest) return undefined;
      return { ...meta, layer };
    } catch { return undefined; }
  };
  const hit = await load();
  if (hit) return hit;
  await mkdir(dir, { recursive: true });
  // Parallel test files: one builds, the others wait for its files (a lock older than two
  // minutes is from a crashed run and is taken over).
  const lock = join(dir, 'lock');
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      await fh.close();
      break;
    } catch {
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 120_000) await rm(lock, { force: true });
      await new Promise((r) => setTimeout(r, 200));
      const done = await load();
      if (done) return done;
    }
  }
  try {
    const done = await load();
    if (done) return done;
    const built = buildLayer(node);
    const tmp = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    await writeFile(layerFile + tmp, built.layer);
    await rename(layerFile + tmp, layerFile);
    const { layer: _layer, ...meta } = built;
    await writeFile(metaFile + tmp, JSON.stringify(meta));
    await rename(metaFile + tmp, metaFile);
    return built;
  } finally {
    await rm(lock, { force: true });
  }
}

function imageConfig(built: Built, architecture: string, variant?: string): Buffer {
  const config = {
    created: '1970-01-01T00:00:00Z',
    architecture,
    ...(variant ? { variant } : {}),
    os: 'linux',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['node'],
      WorkingDir: '/',
      Labels: { 'org.opencontainers.image.description': `fnkit test base: this machine's Node ${built.nodeMajor} binary and its libraries` },
    },
    rootfs: { type: 'layers', diff_ids: [built.diffId] },
    history: [{ created: '1970-01-01T00:00:00Z', created_by: `${RECIPE}: node binary + ldd libraries + /etc/passwd + /tmp` }],
  };
  return Buffer.from(JSON.stringify(config));
}

function digestOf(b: Buffer): string {
  return 'sha256:' + createHash('sha256').update(b).digest('hex');
}

export async function ensureTestBaseImage(registryHost: string, opts: TestBaseImageOptions = {}): Promise<TestBaseImage> {
  const built = await cachedLayer();
  const tag = opts.multiArch ? `${built.nodeMajor}-multiarch` : built.nodeMajor;
  const reference = `${registryHost}/fnkit-test/node-base:${tag}`;
  const ref = parseReference(reference);
  const client = new RegistryClient({
    cacheDir: false,
    auth: new StaticCredentialStore(opts.auth ? { [registryHost]: { username: opts.auth.user, password: opts.auth.password } } : {}),
  });
  try {
    await client.pushBlob(ref, built.layerDigest, built.layer.length, built.layer);
    const pushImage = async (architecture: string, variant?: string) => {
      const config = imageConfig(built, architecture, variant);
      const configDigest = digestOf(config);
      await client.pushBlob(ref, configDigest, config.length, config);
      const manifest = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
        layers: [{ mediaType: OCI_LAYER_GZIP, digest: built.layerDigest, size: built.layer.length }],
      }));
      return { manifest, digest: digestOf(manifest) };
    };
    if (!opts.multiArch) {
      const { manifest } = await pushImage('amd64');
      const digest = await client.putManifest(ref, OCI_MANIFEST, manifest);
      return { reference, digest };
    }
    // The arm64 entry reuses the amd64 layer: no arm64 Node or libraries exist on this machine.
    // It exercises index handling only; it would not run on an arm64 host. Test use only.
    const entries = [];
    for (const [architecture, variant] of [['amd64', undefined], ['arm64', 'v8']] as const) {
      const { manifest, digest } = await pushImage(architecture, variant);
      await client.putManifest({ ...ref, tag: undefined, digest }, OCI_MANIFEST, manifest);
      entries.push({ mediaType: OCI_MANIFEST, digest, size: manifest.length, platform: { architecture, os: 'linux', ...(variant ? { variant } : {}) } });
    }
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }));
    const digest = await client.putManifest(ref, OCI_INDEX, index);
    return { reference, digest };
  } finally {
    client.close();
  }
}
