// The run-state file `fn run` writes (<dir>/.fn/run.json) so `fn invoke` finds the function it
// started. Removed when `fn run` exits; a file left by a killed `fn run` is recognised as stale
// because its pid no longer exists.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface RunState {
  url: string;
  /** pid of the `fn run` process (the one that owns the port). */
  pid: number;
  /** pid of the invoker child serving right now. */
  childPid?: number;
  port: number;
  name: string;
  watch: boolean;
  startedAt: string;
}

export function runStatePath(dir: string): string {
  return join(resolve(dir), '.fn', 'run.json');
}

export async function writeRunState(dir: string, state: RunState): Promise<void> {
  const file = runStatePath(dir);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, JSON.stringify(state, null, 2) + '\n');
}

export async function removeRunState(dir: string, pid: number = process.pid): Promise<void> {
  // only the owner removes it, so a second `fn run` that failed never deletes the first one's
  const state = await readRunState(dir);
  if (state && state.pid !== pid) return;
  await rm(runStatePath(dir), { force: true });
}

/** The live run state, or undefined when none or stale. */
export async function readRunState(dir: string): Promise<RunState | undefined> {
  let text: string;
  try {
    text = await readFile(runStatePath(dir), 'utf8');
  } catch {
    return undefined;
  }
  let state: RunState;
  try {
    state = JSON.parse(text) as RunState;
  } catch {
    return undefined;
  }
  if (typeof state.url !== 'string' || typeof state.pid !== 'number') return undefined;
  return isAlive(state.pid) ? state : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
