// Media types of the OCI image spec (image-spec v1.1, media-types.md) and their Docker v2
// schema 2 equivalents, which registries still serve for most public images.

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** Everything a manifest request accepts unless told otherwise: images and indexes, both families. */
export const MANIFEST_ACCEPT: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST];

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export function isImageManifestMediaType(mediaType: string): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}

/**
 * The media type of manifest bytes when the registry's Content-Type is missing or generic.
 * OCI manifests SHOULD carry `mediaType` (image-spec manifest.md); when they do not, the shape
 * tells: an index has `manifests`, an image manifest has `layers`.
 */
export function sniffManifestMediaType(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const j = json as Record<string, unknown>;
  if (typeof j.mediaType === 'string' && j.mediaType) return j.mediaType;
  if (Array.isArray(j.manifests)) return OCI_INDEX;
  if (Array.isArray(j.layers)) return OCI_MANIFEST;
  return undefined;
}
