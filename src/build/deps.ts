// The dependencies layer: packages the bundle cannot hold (native addons, packages the user
// lists in build.external; for Lambda every production dependency, since AWS loads the user's
// code unbundled). Installed from the lockfile with `npm ci --omit=dev` in a temp folder for the
// target platform, then only the requested packages' closure is layered. Cached by a hash of
// the inputs, so a warm build does not run npm again.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, cp, mkdtemp, open, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { FnkitError } from '../errors.js';
import { describeTarget, platformInPath, readBinaryTarget } from './elf.js';
import { makeLayer, type Layer } from './layer.js';
import { readCachedLayer, writeCachedLayer } from './layer-cache.js';
import { formatPlatform, type Platform } from './platform.js';
import type { TarEntry } from './tar.js';

export interface DepsOptions {
  /** The function folder (package.json + lockfile). */
  dir: string;
  /** Package names, or 'all' for every production dependency. */
  packages: string[] | 'all';
  platform: Platform;
  /** Folder in the image that gets node_modules: 'app' or 'var/task'. */
  root: string;
  mtime: number;
  /** Where built layers are cached (e.g. ~/.cache/fnkit/layers). */
  cacheDir: string;
  signal?: AbortSignal;
  /** The npm executable (default: npm on PATH). */
  npm?: string;
}

const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'];
const NPM_CPU: Record<string, string> = { amd64: 'x64', arm64: 'arm64', arm: 'arm', '386': 'ia32', ppc64le: 'ppc64', s390x: 's390x', riscv64: 'riscv64' };

export async function depsLayer(opts: DepsOptions): Promise<Layer | undefined> {
  const pkgText = await readFile(join(opts.dir, 'package.json'), 'utf8').catch(() => undefined);
  if (opts.packages !== 'all' && opts.packages.length === 0) return undefined;
  if (pkgText === undefined) {
    if (opts.packages === 'all') return undefined;
    throw new FnkitError('FN_ERR_DEPS_NO_PACKAGE_JSON', `packages ${opts.packages.join(', ')} must be installed beside the bundle, but ${opts.dir} has no package.json`, {
      hint: 'add a package.json that lists them in "dependencies" and run npm install to write package-lock.json',
      data: { dir: opts.dir, packages: opts.packages },
    });
  }
  const pkg = JSON.parse(pkgText) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  const declared = { ...pkg.optionalDependencies, ...pkg.dependencies };
  if (opts.packages === 'all' && Object.keys(declared).length === 0) return undefined;
  if (opts.packages !== 'all') {
    const missing = opts.packages.filter((p) => !(p in declared));
    if (missing.length) {
      throw new FnkitError('FN_ERR_DEPS_UNDECLARED', `${missing.join(', ')} must be installed beside the bundle but ${missing.length > 1 ? 'are' : 'is'} not in "dependencies" of ${join(opts.dir, 'package.json')}`, {
        hint: `run npm install --save ${missing.join(' ')} in the function folder`,
        data: { packages: missing },
      });
    }
  }
  let lockName: string | undefined;
  let lockText = '';
  for (const name of LOCKFILES) {
    lockText = await readFile(join(opts.dir, name), 'utf8').catch(() => '');
    if (lockText) { lockName = name; break; }
  }
  if (!lockName) {
    throw new FnkitError('FN_ERR_DEPS_NO_LOCKFILE', `${opts.dir} has no package-lock.json: the dependencies layer is installed from the lockfile so the image is reproducible`, {
      hint: 'run npm install in the function folder and keep package-lock.json beside package.json',
      data: { dir: opts.dir },
    });
  }
  const packages = opts.packages === 'all' ? 'all' : [...opts.packages].sort();
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 1, pkgText, lockText, packages, platform: formatPlatform(opts.platform), root: opts.root, mtime: opts.mtime }))
    .digest('hex');
  const cached = await readCachedLayer(opts.cacheDir, key);
  if (cached) return cached;

  const work = await mkdtemp(join(tmpdir(), 'fnkit-deps-'));
  try {
    await writeFile(join(work, 'package.json'), pkgText);
    await writeFile(join(work, lockName), lockText);
    // private registries: the user's .npmrc is used for the install, never shipped
    await copyFile(join(opts.dir, '.npmrc'), join(work, '.npmrc')).catch(() => undefined);
    // `file:` dependencies (vendored tarballs or folders) must sit at the same relative path
    for (const spec of Object.values({ ...declared, ...(pkg as { devDependencies?: Record<string, string> }).devDependencies })) {
      if (!spec.startsWith('file:')) continue;
      const rel = spec.slice(5);
      if (isAbsolute(rel)) continue;
      await cp(join(opts.dir, rel), join(work, rel), { recursive: true }).catch(() => undefined);
    }
    await npmCi(work, opts);
    const nm = join(work, 'node_modules');
    const dirs = packages === 'all' ? await allPackages(nm) : await closure(nm, packages);
    const entries: TarEntry[] = [];
    for (const pdir of [...dirs].sort()) await addPackage(entries, pdir, nm, opts);
    const desc = packages === 'all' ? 'dependencies (production, from the lockfile)' : `dependencies: ${packages.join(', ')}`;
    const layer = makeLayer(entries, opts.mtime, desc);
    await writeCachedLayer(opts.cacheDir, key, layer);
    return layer;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function npmCi(cwd: string, opts: DepsOptions): Promise<void> {
  const cpu = NPM_CPU[opts.platform.architecture] ?? opts.platform.architecture;
  const args = ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', '--os=linux', `--cpu=${cpu}`];
  return new Promise((resolve, reject) => {
    const child = spawn(opts.npm ?? 'npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal, env: { ...process.env, npm_config_update_notifier: 'false' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => reject(new FnkitError('FN_ERR_DEPS_INSTALL', `cannot run npm to install the dependencies layer: ${err.message}`, { hint: 'install npm (it comes with Node.js) and make sure it is on PATH', cause: err })));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const tail = out.trim().split('\n').slice(-15).join('\n');
      reject(new FnkitError('FN_ERR_DEPS_INSTALL', `npm ${args.join(' ')} failed for ${formatPlatform(opts.platform)} (exit ${code}):\n${tail}`, {
        hint: 'check that package-lock.json matches package.json (run npm install), and that the registry is reachable',
        data: { exitCode: undefined, npmExit: code },
      }));
    });
  });
}

/** The installed folder of every package in node_modules, nested ones included. */
async function allPackages(nm: string): Promise<Set<string>> {
  const out = new Set<string>();
  async function scan(modules: string): Promise<void> {
    for (const name of await readdir(modules).catch(() => [] as string[])) {
      if (name.startsWith('.')) continue;
      const p = join(modules, name);
      if (name.startsWith('@')) {
        for (const sub of await readdir(p).catch(() => [] as string[])) await visit(join(p, sub));
      } else await visit(p);
    }
  }
  async function visit(p: string): Promise<void> {
    out.add(p);
    await scan(join(p, 'node_modules'));
  }
  await scan(nm);
  return out;
}

/** The requested packages and everything they require, resolved the way node does (up the tree). */
async function closure(nm: string, roots: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  const queue: [string, string][] = roots.map((r) => [r, nm]);
  while (queue.length) {
    const [name, from] = queue.shift()!;
    const found = await resolvePackage(name, from, nm);
    if (!found || out.has(found)) continue;
    out.add(found);
    const pj = JSON.parse(await readFile(join(found, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const dep of Object.keys({ ...pj.dependencies, ...pj.optionalDependencies, ...pj.peerDependencies })) {
      queue.push([dep, join(found, 'node_modules')]);
    }
  }
  return out;
}

async function resolvePackage(name: string, from: string, top: string): Promise<string | undefined> {
  for (let modules = from; ; ) {
    const candidate = join(modules, ...name.split('/'));
    if (await stat(join(candidate, 'package.json')).then(() => true, () => false)) return candidate;
    if (modules === top) return undefined;
    // up to the next enclosing node_modules folder, as node's resolution does
    let p = dirname(modules);
    while (basename(p) !== 'node_modules' && p.length > top.length) p = dirname(p);
    modules = p.length < top.length ? top : p;
  }
}

async function addPackage(entries: TarEntry[], pdir: string, nm: string, opts: DepsOptions): Promise<void> {
  async function walk(d: string): Promise<void> {
    for (const ent of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, ent.name);
      if (ent.isDirectory()) {
        if (ent.name === 'node_modules' && d === pdir) continue; // nested packages are their own closure entries
        await walk(abs);
        continue;
      }
      const rel = relative(nm, abs).split(sep).join('/');
      const path = `${opts.root}/node_modules/${rel}`;
      if (ent.isSymbolicLink()) entries.push({ path, type: 'symlink', linkname: await readlink(abs) });
      else if (ent.isFile()) {
        const st = await stat(abs);
        if (ent.name.endsWith('.node')) await checkAddon(abs, rel, opts.platform);
        entries.push({ path, type: 'file', data: await readFile(abs), mode: st.mode & 0o100 ? 0o755 : 0o644 });
      }
    }
  }
  await walk(pdir);
}

/** A native addon must match the target, unless its path says it is one of several per-platform prebuilds. */
async function checkAddon(abs: string, rel: string, platform: Platform): Promise<void> {
  const fh = await open(abs, 'r');
  const head = Buffer.alloc(64);
  try {
    await fh.read(head, 0, 64, 0);
  } finally {
    await fh.close();
  }
  const target = readBinaryTarget(head);
  if (!target) return;
  const named = platformInPath(rel);
  if (named && (named.os !== platform.os || named.architecture !== platform.architecture)) return;
  if (target.os !== platform.os || target.architecture !== platform.architecture) {
    throw new FnkitError('FN_ERR_NATIVE_ARCH', `native addon node_modules/${rel} is built for ${describeTarget(target)}, but the image is for ${formatPlatform(platform)}`, {
      hint: `build the image on a ${formatPlatform(platform)} machine, use a version of the package that ships prebuilt binaries per platform, or limit the platforms (fn.yaml build.platforms) to ${describeTarget(target)}`,
      data: { file: `node_modules/${rel}`, built: describeTarget(target), target: formatPlatform(platform) },
    });
  }
}
