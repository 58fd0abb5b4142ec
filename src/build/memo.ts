// Reuses the last production bundle when none of its inputs changed, so a no-change rebuild
// skips esbuild (the slowest step). The key covers everything that shapes the bundle besides
// file contents (the whole FunctionSpec, externals, node and fnkit versions); the memo records
// the sha256 of every input file esbuild read, and is used only if all still match.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { atomicWrite } from './atomic-write.js';
import { join } from 'node:path';
import { sha256 } from './layer.js';

export interface BundleFile { rel: string; data: Buffer }
export interface MemoEntry { files: BundleFile[]; external: string[]; entry: string }

interface Stored { inputs: Record<string, string>; files: Record<string, string>; external: string[]; entry: string }

export function memoKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

async function hashFile(path: string): Promise<string | undefined> {
  try {
    return sha256(await readFile(path));
  } catch {
    return undefined;
  }
}

export async function lookupBundle(dir: string, key: string): Promise<MemoEntry | undefined> {
  let stored: Stored;
  try {
    stored = JSON.parse(await readFile(join(dir, `${key}.json`), 'utf8')) as Stored;
  } catch {
    return undefined;
  }
  const checks = await Promise.all(Object.entries(stored.inputs).map(async ([p, h]) => (await hashFile(p)) === h));
  if (!checks.every(Boolean)) return undefined;
  const files: BundleFile[] = [];
  for (const [rel, digest] of Object.entries(stored.files)) {
    const data = await readFile(join(dir, 'blobs', digest.replace(':', '-'))).catch(() => undefined);
    if (!data || sha256(data) !== digest) return undefined;
    files.push({ rel, data });
  }
  return { files, external: stored.external, entry: stored.entry };
}

/**
 * Records a bundle and the hashes of its inputs. `startedAt` is when bundling began: an input
 * modified after it may have been read by esbuild in its old or its new state, so such a
 * bundle is not recorded (a stale memo would give an old bundle under new sources' hashes).
 */
export async function storeBundle(dir: string, key: string, inputs: string[], entry: MemoEntry, startedAt: number): Promise<boolean> {
  const hashed: Record<string, string> = {};
  for (const p of inputs) {
    const h = await hashFile(p);
    if (h) hashed[p] = h;
  }
  const mtimes = await Promise.all(inputs.map((p) => stat(p).then((st) => st.mtimeMs, () => 0)));
  if (mtimes.some((m) => m > startedAt)) return false;
  const files: Record<string, string> = {};
  for (const f of entry.files) {
    const digest = sha256(f.data);
    files[f.rel] = digest;
    await atomicWrite(join(dir, 'blobs', digest.replace(':', '-')), f.data);
  }
  const stored: Stored = { inputs: hashed, files, external: entry.external, entry: entry.entry };
  await atomicWrite(join(dir, `${key}.json`), Buffer.from(JSON.stringify(stored)));
  return true;
}
