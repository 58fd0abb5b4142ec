// A layer is a tar plus its gzip, addressed two ways (OCI image-spec, layer.md / config.md):
// the diffID is the sha256 of the uncompressed tar (goes in the config's rootfs.diff_ids), the
// digest the sha256 of the compressed blob (goes in the manifest). Compression must be
// deterministic too, or the same files give a new digest: fixed level, no name, mtime 0.
import { createHash } from 'node:crypto';
import { gzipSync, constants } from 'node:zlib';
import { writeTar, type TarEntry } from './tar.js';

export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface Layer {
  /** sha256 of the gzip blob. */
  digest: string;
  size: number;
  /** sha256 of the uncompressed tar. */
  diffId: string;
  blob: Buffer;
  /** What is in it, for history entries and the build summary. */
  description: string;
}

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/**
 * gzip with a fixed header. RFC 1952 §2.3: bytes 4-7 are MTIME (0 = none), byte 9 is OS; zlib
 * writes the OS it was compiled for, so it is pinned to 255 ("unknown") to give the same bytes
 * on Linux and macOS.
 */
export function deterministicGzip(data: Buffer): Buffer {
  const gz = gzipSync(data, { level: 6, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY });
  gz.writeUInt32LE(0, 4);
  gz[9] = 255;
  return gz;
}

export function makeLayer(entries: TarEntry[], mtime: number, description: string): Layer {
  const tar = writeTar(entries, mtime);
  const blob = deterministicGzip(tar);
  return { digest: sha256(blob), size: blob.length, diffId: sha256(tar), blob, description };
}
