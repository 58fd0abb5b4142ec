// Built layers kept on disk by a key over their inputs, so an unchanged layer is neither re-read
// nor re-compressed (gzip of the 2 MiB runtime is the costliest step of a no-change rebuild).
// Entries are checked against their digest when read; a corrupt entry is just a miss.
import { readFile } from 'node:fs/promises';
import { atomicWrite } from './atomic-write.js';
import { join } from 'node:path';
import { sha256, type Layer } from './layer.js';

export async function readCachedLayer(cacheDir: string, key: string): Promise<Layer | undefined> {
  try {
    const meta = JSON.parse(await readFile(join(cacheDir, `${key}.json`), 'utf8')) as Omit<Layer, 'blob'>;
    const blob = await readFile(join(cacheDir, `${key}.tar.gz`));
    return sha256(blob) === meta.digest ? { ...meta, blob } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeCachedLayer(cacheDir: string, key: string, layer: Layer): Promise<void> {
  // blob first: the .json is what makes an entry visible
  await atomicWrite(join(cacheDir, `${key}.tar.gz`), layer.blob);
  const { blob: _blob, ...meta } = layer;
  await atomicWrite(join(cacheDir, `${key}.json`), JSON.stringify(meta));
}
