// Content digests (OCI image-spec descriptor.md, "Digests"): algorithm:hex of the exact bytes.
import { createHash } from 'node:crypto';
import { validateDigest } from './reference.js';
import { digestMismatch } from './errors.js';

export function sha256Digest(data: Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

/** The digest of data with the same algorithm as `like` (sha256 or sha512). */
export function digestLike(like: string, data: Buffer): string {
  const alg = validateDigest(like).split(':')[0]!;
  return `${alg}:` + createHash(alg).update(data).digest('hex');
}

/** Throws FN_ERR_DIGEST_MISMATCH unless data hashes to digest. */
export function verifyDigest(what: string, digest: string, data: Buffer): void {
  const actual = digestLike(digest, data);
  if (actual !== digest) throw digestMismatch(what, digest, actual);
}
