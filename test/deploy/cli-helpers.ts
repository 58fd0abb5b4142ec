// Runs the built CLI (node bin/fn.js) as users do, with an explicit environment.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/fn.js');

/** npm test builds first; a lone run of this file builds if needed. */
export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function fn(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((res, rej) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`fn ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 30_000);
    child.on('exit', (code) => { clearTimeout(t); res({ code, stdout, stderr }); });
  });
}

export const DIGEST = (c: string) => c.repeat(64).slice(0, 64);
export const IMAGE = (repo: string, c = 'a') => `127.0.0.1:5000/${repo}@sha256:${DIGEST(c)}`;

/** A function folder with fn.yaml (and a handler file, unused since tests pass --image). */
export async function functionDir(root: string, name: string, yaml: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'fn.yaml'), yaml);
  await writeFile(join(dir, 'index.ts'), 'export default () => "hi";\n');
  return dir;
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The environment the CLI runs with in tests: nothing from the developer's machine leaks in. */
export const BIN_ENV: Record<string, string | undefined> = { FN_PROGRESS: '1', NO_COLOR: '1' };
