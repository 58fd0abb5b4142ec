// Function folders for the build suites, written into temp dirs (never into the repo), and the
// small helpers the suites share: running the real `fn` CLI, reading what a registry holds.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FN_BIN = join(REPO, 'bin', 'fn.js');

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `fnkit-${prefix}-`));
}

export async function writeTree(dir: string, files: Record<string, string>): Promise<string> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

/** A TypeScript function: GET answers JSON, /slow waits, a CloudEvent is answered with its data. */
export const TS_HANDLER = `
export default async function handler(req: any, ctx: any) {
  if (ctx.cloudEvent) return { received: req.body, type: ctx.cloudEvent.type };
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/slow') {
    await new Promise((r) => setTimeout(r, Number(url.searchParams.get('ms') ?? 1500)));
    return { slow: true };
  }
  return { greeting: GREETING, path: url.pathname };
}
const GREETING = 'hello from fnkit';
`;

export async function tsFunction(dir: string, base: string, extra: Record<string, string> = {}, buildYaml = ''): Promise<string> {
  return writeTree(dir, {
    'fn.yaml': `name: hello-ts\nhandler: index.ts\nbuild:\n  base: ${base}\n${buildYaml}`,
    'index.ts': TS_HANDLER,
    ...extra,
  });
}

export async function lambdaFunction(dir: string, base: string): Promise<string> {
  return writeTree(dir, {
    'fn.yaml': `name: hello-lambda\nruntime: lambda\nhandler: src/app.handler\nbuild:\n  base: ${base}\n`,
    'src/app.js': `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ from: 'lambda', path: event.rawPath, taskRoot: process.env.LAMBDA_TASK_ROOT, helper: require('./helper.js').name }),
});\n`,
    'src/helper.js': `exports.name = 'helper';\n`,
    '.env': 'AWS_SECRET_ACCESS_KEY=never-ship-me\n',
  });
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs the built CLI (dist/cli.js: `npm test` builds it first). */
export function runFn(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [FN_BIN, ...args], { cwd: opts.cwd ?? REPO, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}

export async function removeAll(paths: string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { recursive: true, force: true })));
}

/** GET a manifest straight from a test registry (anonymous), or undefined on 404. */
export async function registryManifest(host: string, repo: string, ref: string, auth?: string): Promise<any | undefined> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, {
    headers: {
      accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json',
      ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}),
    },
  });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`registry answered ${res.status} for ${repo}:${ref}`);
  return { digest: res.headers.get('docker-content-digest'), json: await res.json() };
}
