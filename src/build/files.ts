// Which of the user's files go into the image beside the bundle. Secrets never go in by
// accident: a glob never picks them up; only an include entry that names the file exactly does.
// `.fnignore` (one glob per line, `#` comments) removes more.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { FnkitError } from '../errors.js';

/** Files that hold credentials by convention; shipped only when listed by exact name. */
export const SECRET_GLOBS = [
  '**/.env', '**/.env.*', '**/*.pem', '**/*.key', '**/*.p12', '**/*.pfx', '**/id_rsa*', '**/id_ecdsa*', '**/id_ed25519*',
  '**/.npmrc', '**/.netrc', '**/.git-credentials', '**/.aws/**', '**/.ssh/**', '**/.docker/config.json', '**/*.kubeconfig', '**/kubeconfig',
];
/** Never image content: dependencies get their own layer, the rest is tooling. */
export const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '.fn/**', '**/.DS_Store', '.fnignore'];

export interface SourceFile {
  /** POSIX path relative to the function folder. */
  rel: string;
  abs: string;
  /** 0o755 when the owner may execute it, else 0o644: fixed modes, whatever the umask. */
  mode: number;
}

export async function readIgnoreFile(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(dir, '.fnignore'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .flatMap((l) => {
      const p = l.replace(/^\//, '').replace(/\/$/, '/**');
      // gitignore: a pattern without a slash matches at any depth
      return l.includes('/') ? [p] : [`**/${p}`, `**/${p}/**`];
    });
}

/**
 * Files matched by `include` globs (node runtime) or, with `all`, every file of the folder
 * (Lambda: AWS loads the handler from the task root at run time). `exclude` drops more paths,
 * e.g. fn.yaml or the handler sources the bundle already holds.
 */
export async function collectFiles(dir: string, opts: { include?: string[]; all?: boolean; exclude?: string[] }): Promise<SourceFile[]> {
  const include = opts.include ?? [];
  for (const pattern of include) {
    if (pattern.startsWith('/') || pattern.split('/').includes('..')) {
      throw new FnkitError('FN_ERR_BUILD_INCLUDE', `build.include entry "${pattern}" points outside the function folder ${dir}`, {
        hint: 'list paths relative to the function folder, e.g. templates/** or public/index.html',
        data: { pattern },
      });
    }
  }
  const ignore = [...ALWAYS_IGNORED, ...(await readIgnoreFile(dir)), ...(opts.exclude ?? [])];
  const patterns = opts.all ? ['**'] : include;
  const found = patterns.length ? await glob(patterns, { cwd: dir, dot: true, onlyFiles: true, ignore: [...ignore, ...SECRET_GLOBS], followSymbolicLinks: false, expandDirectories: true }) : [];
  // an exact name listed in include is honoured even for a secret-looking file (the user asked)
  const named: string[] = [];
  for (const pattern of include) {
    if (/[*?[\]{}]/.test(pattern)) continue;
    try {
      if ((await stat(join(dir, pattern))).isFile()) named.push(pattern.replace(/^\.\//, ''));
    } catch {
      throw new FnkitError('FN_ERR_BUILD_INCLUDE', `build.include names "${pattern}", which is not a file in ${dir}`, {
        hint: 'fix the path in fn.yaml build.include, or use a glob such as "templates/**" for a folder',
        data: { pattern },
      });
    }
  }
  const rels = [...new Set([...found, ...named])].sort();
  return Promise.all(
    rels.map(async (rel) => {
      const abs = join(dir, rel);
      const st = await stat(abs);
      return { rel, abs, mode: st.mode & 0o100 ? 0o755 : 0o644 };
    }),
  );
}
