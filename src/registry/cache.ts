// The on-disk content store: blobs and manifests by digest under <dir>/<algorithm>/<hex>, the
// layout of an OCI image layout's blobs/ folder (image-spec image-layout.md). Content is checked
// against its name on every read, so a torn or tampered file is dropped and fetched again, and
// written to a temporary name then renamed, so parallel builds never see half a file.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { digestLike } from './digest.js';
import { validateDigest } from './reference.js';

/** ~/.cache/fnkit/blobs, or under $XDG_CACHE_HOME when set. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'fnkit', 'blobs');
}

export class BlobCache {
  constructor(readonly dir: string) {}

  path(digest: string): string {
    const [alg, hex] = validateDigest(digest).split(':') as [string, string];
    return join(this.dir, alg, hex);
  }

  async has(digest: string): Promise<boolean> {
    try { return (await stat(this.path(digest))).isFile(); } catch { return false; }
  }

  /** The content, or undefined when absent or corrupt (a corrupt entry is removed). */
  async get(digest: string): Promise<Buffer | undefined> {
    const file = this.path(digest);
    let data: Buffer;
    try { data = await readFile(file); } catch { return undefined; }
    if (digestLike(digest, data) !== digest) {
      await unlink(file).catch(() => undefined);
      return undefined;
    }
    return data;
  }

  /**
   * Stores verified content. A cache that cannot be written (read-only home, full disk) only
   * costs a later download, so write errors are reported to the caller's callback, not thrown.
   */
  async put(digest: string, data: Buffer, onError?: (e: Error) => void): Promise<void> {
    const file = this.path(digest);
    const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(tmp, data);
      await rename(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      onError?.(e as Error);
    }
  }
}
