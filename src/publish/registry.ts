// Publishes a built image to a registry (distribution-spec "Pushing"): blobs first (the client
// skips those the registry has), then per-platform manifests by digest, and the tag last, so a
// push that fails half-way never leaves a tag naming an incomplete image.
import { Readable } from 'node:stream';
import type { RegistryClient } from '../registry/client.js';
import { formatReference, type ImageReference } from '../registry/reference.js';
import { blobsOf, childManifests, type BuiltImage } from '../build/built-image.js';

export interface PushResult {
  digest: string;
  /** registry/repository@sha256:... */
  reference: string;
  uploaded: number;
  /** Base blobs linked from the base's repository on the same registry instead of uploaded. */
  mounted: number;
  skipped: number;
}

const PARALLEL = 4;

export async function publishToRegistry(image: BuiltImage, target: ImageReference, client: RegistryClient): Promise<PushResult> {
  const blobs = blobsOf(image);
  let uploaded = 0;
  let mounted = 0;
  let skipped = 0;
  const queue = [...blobs];
  async function worker(): Promise<void> {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const digest = d.digest;
      // built blobs are in memory; base blobs are read (from the cache) only if the registry lacks them
      const data = image.builtHere.has(digest)
        ? await image.readBlob(digest)
        : () => Readable.from((async function* () { yield await image.readBlob(digest); })());
      // a base layer already in another repository of the target registry is mounted, not uploaded
      const mount = image.builtHere.has(digest) ? {} : { mountFrom: image.baseRef };
      const r = await client.pushBlob(target, digest, d.size, data, mount);
      if (r.mounted) mounted++;
      else if (r.uploaded) uploaded++;
      else skipped++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, blobs.length) }, worker));
  const repo = { registry: target.registry, repository: target.repository };
  for (const m of childManifests(image)) await client.putManifest({ ...repo, digest: m.digest }, m.mediaType, m.bytes);
  await client.putManifest({ ...repo, tag: target.tag ?? 'latest' }, image.top.mediaType, image.top.bytes);
  return { digest: image.top.digest, reference: formatReference({ ...repo, digest: image.top.digest }), uploaded, mounted, skipped };
}
