// Small images made in memory for registry tests: real OCI and Docker manifest shapes, tiny blobs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Digest } from '../../src/registry/digest.js';
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP, OCI_MANIFEST } from '../../src/registry/media-types.js';

export interface TinyImage { layer: Buffer; config: Buffer; manifest: Buffer; manifestDigest: string; mediaType: string }

export function tinyImage(seed: string, opts: { docker?: boolean; architecture?: string } = {}): TinyImage {
  const layer = Buffer.from(`layer bytes for ${seed}`);
  const config = Buffer.from(JSON.stringify({
    architecture: opts.architecture ?? 'amd64', os: 'linux', config: { Cmd: ['node'] },
    rootfs: { type: 'layers', diff_ids: [sha256Digest(layer)] },
  }));
  const mediaType = opts.docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType,
    config: { mediaType: opts.docker ? DOCKER_CONFIG : OCI_CONFIG, digest: sha256Digest(config), size: config.length },
    layers: [{ mediaType: opts.docker ? DOCKER_LAYER_GZIP : OCI_LAYER_GZIP, digest: sha256Digest(layer), size: layer.length }],
  }));
  return { layer, config, manifest, manifestDigest: sha256Digest(manifest), mediaType };
}

export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try { return await fn(dir); } finally { await rm(dir, { recursive: true, force: true }); }
}
