// Starts the test API server as its own process on a free port and writes a kubeconfig that
// points at it. Every test that starts one stops it (and removes its temp dir) in `after`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { AuthConfig } from './auth.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface TestApiServer {
  url: string;
  dir: string;
  /** A kubeconfig with one context "test" (namespace as given) using `token`. */
  kubeconfig: string;
  writeKubeconfig(file: string, opts?: { token?: string; namespace?: string; server?: string; contextName?: string }): Promise<string>;
  control<T = any>(path: string, body?: unknown): Promise<T>;
  objects(): Promise<any[]>;
  requests(): Promise<Array<{ method: string; path: string; query: Record<string, string>; contentType?: string; user?: string; status?: number }>>;
  stop(): Promise<void>;
}

export async function startTestApiServer(opts: { auth?: AuthConfig; token?: string; namespace?: string; knativeDelayMs?: number; missingGroups?: string[] } = {}): Promise<TestApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fn-kube-'));
  const args = ['--import', 'tsx', join(here, 'main.ts'), '--exit-with-stdin'];
  if (opts.auth) {
    await writeFile(join(dir, 'auth.json'), JSON.stringify(opts.auth));
    args.push('--auth', join(dir, 'auth.json'));
  }
  if (opts.knativeDelayMs !== undefined) args.push('--knative-delay-ms', String(opts.knativeDelayMs));
  for (const g of opts.missingGroups ?? []) args.push('--missing-group', g);
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => { rl.close(); resolve(JSON.parse(l).url); });
    child.once('exit', (code) => reject(new Error(`test API server exited with ${code}`)));
  });
  const writeKubeconfig: TestApiServer['writeKubeconfig'] = async (file, o = {}) => {
    const token = o.token ?? opts.token;
    const ctx = o.contextName ?? 'test';
    await writeFile(file, [
      'apiVersion: v1', 'kind: Config', `current-context: ${ctx}`,
      'clusters:', `- name: ${ctx}-cluster`, '  cluster:', `    server: ${o.server ?? url}`, '    insecure-skip-tls-verify: true',
      'users:', `- name: ${ctx}-user`, '  user:', ...(token ? [`    token: ${token}`] : ['    {}']),
      'contexts:', `- name: ${ctx}`, '  context:', `    cluster: ${ctx}-cluster`, `    user: ${ctx}-user`, ...(o.namespace ?? opts.namespace ? [`    namespace: ${o.namespace ?? opts.namespace}`] : []),
      '',
    ].join('\n'));
    return file;
  };
  const kubeconfig = await writeKubeconfig(join(dir, 'kubeconfig'));
  const control = async <T>(path: string, body?: unknown): Promise<T> => {
    const r = await fetch(url + path, { method: body === undefined ? 'GET' : 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    return (await r.json()) as T;
  };
  return {
    url, dir, kubeconfig, writeKubeconfig, control,
    objects: () => control('/_test/objects'),
    requests: () => control('/_test/requests'),
    stop: async () => {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
