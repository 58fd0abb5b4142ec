// Writes an OCI image layout (image-spec image-layout.md): `oci-layout`, `index.json` and
// content-addressed `blobs/sha256/<hex>`. Blobs already present are not rewritten, so the same
// folder can collect many builds; index.json keeps other tags and replaces this one.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { atomicWrite as writeAtomic } from '../build/atomic-write.js';
import { join } from 'node:path';
import { OCI_INDEX } from '../registry/media-types.js';
import { blobsOf, childManifests, type BuiltImage } from '../build/built-image.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';

export async function writeLayout(image: BuiltImage, dir: string, refName?: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeAtomic(join(dir, 'oci-layout'), Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  for (const d of blobsOf(image)) await writeBlob(dir, d.digest, d.size, () => image.readBlob(d.digest));
  for (const m of [...childManifests(image), image.top]) await writeBlob(dir, m.digest, m.bytes.length, async () => m.bytes);
  let manifests: any[] = [];
  try {
    manifests = (JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')).manifests ?? []) as any[];
  } catch {
    // a new layout
  }
  const entry: Record<string, unknown> = { mediaType: image.top.mediaType, digest: image.top.digest, size: image.top.bytes.length };
  if (refName) entry.annotations = { [REF_NAME]: refName };
  manifests = manifests.filter((m) => (refName ? m.annotations?.[REF_NAME] !== refName : m.digest !== image.top.digest));
  manifests.push(entry);
  await writeAtomic(join(dir, 'index.json'), Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })));
}

async function writeBlob(dir: string, digest: string, size: number, read: () => Promise<Buffer>): Promise<void> {
  const file = join(dir, 'blobs', ...digest.split(':'));
  const st = await stat(file).catch(() => undefined);
  if (st && st.size === size) return;
  await writeAtomic(file, await read());
}
