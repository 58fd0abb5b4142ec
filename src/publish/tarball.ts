// Writes one tar that both loaders accept: an OCI image layout (podman load reads it as an
// oci-archive; docker load since Engine 25) plus Docker's `manifest.json` (docker-archive, what
// older docker load and podman read), whose paths point at the same blobs, as `docker save`
// itself writes since Engine 25. Docker's manifest.json holds one image per entry, so a
// multi-platform build lists the platform chosen by the caller there (default: the first).
import { atomicWrite } from '../build/atomic-write.js';
import { OCI_INDEX } from '../registry/media-types.js';
import { blobsOf, childManifests, type BuiltImage } from '../build/built-image.js';
import { writeTar, type TarEntry } from '../build/tar.js';
import { platformMatches, type Platform } from '../build/platform.js';
import { REF_NAME } from './layout.js';

export interface TarballOptions {
  /** repository:tag recorded in the archive (docker's RepoTags, OCI's ref.name). */
  repoTag?: string;
  /** Which image docker's manifest.json names when there are several. */
  platform?: Platform;
  mtime: number;
}

export async function writeTarball(image: BuiltImage, file: string, opts: TarballOptions): Promise<void> {
  const entries: TarEntry[] = [];
  const blobPath = (digest: string) => `blobs/${digest.replace(':', '/')}`;
  for (const d of blobsOf(image)) entries.push({ path: blobPath(d.digest), type: 'file', data: await image.readBlob(d.digest) });
  for (const m of [...childManifests(image), image.top]) entries.push({ path: blobPath(m.digest), type: 'file', data: m.bytes });
  entries.push({ path: 'oci-layout', type: 'file', data: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) });
  const top: Record<string, unknown> = { mediaType: image.top.mediaType, digest: image.top.digest, size: image.top.bytes.length };
  if (opts.repoTag) top.annotations = { [REF_NAME]: opts.repoTag, 'io.containerd.image.name': opts.repoTag };
  entries.push({ path: 'index.json', type: 'file', data: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [top] })) });
  const chosen = (opts.platform && image.images.find((i) => platformMatches(opts.platform!, i.platform))) ?? image.images[0]!;
  const dockerManifest = [{
    Config: blobPath(chosen.config.digest),
    RepoTags: opts.repoTag ? [opts.repoTag] : [],
    Layers: chosen.layers.map((l) => blobPath(l.digest)),
  }];
  entries.push({ path: 'manifest.json', type: 'file', data: Buffer.from(JSON.stringify(dockerManifest)) });
  await atomicWrite(file, writeTar(entries, opts.mtime));
}
