// `fn test`: the function's own *.test.ts|js files, each bundled with esbuild (so TypeScript needs
// no tsc step and `fnkit` / `fnkit/testing` resolve to fnkit's sources), then run by node's test
// runner with source maps, so failures point at the .ts lines.
import { spawn } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from '../config/types.js';
import { fnkitPaths } from './bundle-paths.js';
import { fnkitAliasPlugin } from './bundle.js';
import { nativeAddonPlugin } from './bundle-native.js';

const TEST_FILE = /\.test\.(ts|mts|js|mjs)$/;
const SKIP = new Set(['node_modules', '.fn', '.git', 'dist']);

export async function findTestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && !e.name.startsWith('.')) await walk(join(d, e.name));
      } else if (TEST_FILE.test(e.name)) out.push(join(d, e.name));
    }
  };
  await walk(dir);
  return out.sort();
}

export interface TestRunOptions {
  /** Extra arguments for `node --test` (e.g. --test-name-pattern). */
  nodeArgs?: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** Bundles and runs the tests; resolves with node's exit code. */
export async function runFunctionTests(spec: FunctionSpec, opts: TestRunOptions): Promise<number> {
  const files = await findTestFiles(spec.dir);
  if (files.length === 0) {
    throw new FnkitError('FN_ERR_NO_TESTS', `no test files (*.test.ts, *.test.js) in ${spec.dir}`, {
      hint: 'add a test beside the handler, for example index.test.ts using fnkit/testing',
      data: { dir: spec.dir },
    });
  }
  const outdir = join(spec.dir, '.fn', 'test');
  await rm(outdir, { recursive: true, force: true });
  const esbuild = await import('esbuild');
  const paths = fnkitPaths();
  const entryPoints = Object.fromEntries(files.map((f) => [relative(spec.dir, f).replace(/\.(ts|mts|js|mjs)$/, ''), f]));
  try {
    await esbuild.build({
      entryPoints,
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      banner: { js: "import { createRequire as __fnkitCreateRequire } from 'node:module';\nconst require = __fnkitCreateRequire(import.meta.url);" },
      // node:test must stay the runner's own instance, not a bundled copy
      external: ['node:test'],
      logLevel: 'silent',
      absWorkingDir: spec.dir,
      nodePaths: [paths.nodeModules],
      plugins: [fnkitAliasPlugin(spec, paths), nativeAddonPlugin(new Set())],
    });
  } catch (err) {
    const errors = (err as { errors?: import('esbuild').Message[] }).errors ?? [];
    const text = esbuild.formatMessagesSync(errors, { kind: 'error', color: false }).join('\n').trim();
    throw new FnkitError('FN_ERR_BUNDLE', `cannot bundle the tests of "${spec.name}":\n${text || (err as Error).message}`, {
      hint: 'fix the error at the file and line shown',
      data: { dir: spec.dir },
    });
  }
  const bundled = files.map((f) => resolve(outdir, relative(spec.dir, f).replace(/\.(ts|mts|js|mjs)$/, '.mjs')));
  const env: Record<string, string | undefined> = { ...process.env, ...spec.env };
  // set when fn test itself runs under node --test: the inner runner would then report in the
  // outer runner's binary protocol instead of printing its results
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--enable-source-maps', '--test', ...(opts.nodeArgs ?? []), ...bundled], {
    cwd: spec.dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: opts.signal,
  });
  child.stdout.pipe(opts.stdout, { end: false });
  child.stderr.pipe(opts.stderr, { end: false });
  return new Promise((resolveCode) => {
    child.once('error', () => resolveCode(1));
    child.once('close', (code) => resolveCode(code ?? 1));
  });
}
