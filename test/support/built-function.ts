// Runs a function built the way an image holds it (src/build/image-bundle.ts: app/fnkit/ + the
// entry) as its own node process on a free loopback port, until its "ready" log line.
import { spawn } from 'node:child_process';
import { freePort } from './registry.js';

export interface BuiltFunction {
  /** The invoker's "ready" log line. */
  ready: Record<string, unknown>;
  url: string;
  stop(): void;
}

export async function startBuilt(entry: string, env: Record<string, string> = {}): Promise<BuiltFunction> {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, PORT: String(port), FN_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr.on('data', (d: Buffer) => { out += d; });
  try {
    const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line in 20 s:\n${out}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const line = out.split('\n').find((l) => l.includes('"msg":"ready"'));
        if (line) {
          clearTimeout(t);
          resolve(JSON.parse(line));
        }
      });
      child.on('exit', (code) => { clearTimeout(t); reject(new Error(`exited ${code}:\n${out}`)); });
    });
    return { ready, url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
