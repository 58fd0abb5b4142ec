// The one value between build and publish (ko's build.Result, style.md §4): documents and
// blob access. A builder never pushes; a publisher never builds.
import type { Descriptor, Doc } from './image.js';
import type { Platform } from './platform.js';
import type { ImageReference } from '../registry/reference.js';

export interface PlatformImage {
  platform: Platform;
  manifest: Doc;
  config: Doc;
  /** Every layer, the base's first. */
  layers: Descriptor[];
}

export interface BuiltImage {
  /** The image manifest (one platform) or the index (several). */
  top: Doc;
  images: PlatformImage[];
  /** Bytes of any blob the image names (built here: from memory; the base's: via the blob cache). */
  readBlob(digest: string): Promise<Buffer>;
  /** Blobs built in this run (the others belong to the base). */
  builtHere: ReadonlySet<string>;
  /** Where the base's blobs live: a push to the same registry mounts them instead of uploading. */
  baseRef?: ImageReference;
}

/** Every blob once, in push order: layers, then configs. */
export function blobsOf(image: BuiltImage): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const im of image.images) {
    for (const l of im.layers) if (!seen.has(l.digest)) seen.set(l.digest, l);
  }
  for (const im of image.images) {
    if (!seen.has(im.config.digest)) seen.set(im.config.digest, { mediaType: im.config.mediaType, digest: im.config.digest, size: im.config.bytes.length });
  }
  return [...seen.values()];
}

/** The documents besides the top one (per-platform manifests of an index). */
export function childManifests(image: BuiltImage): Doc[] {
  return image.images.length > 1 || image.top.digest !== image.images[0]?.manifest.digest ? image.images.map((i) => i.manifest) : [];
}
