// Resolves the base image: its manifest (or index, then one manifest per wanted platform) and
// configs, through the RegistryClient. Documents fetched by digest are kept on disk, so a base
// pinned as name@sha256:... resolves with no network at all; a tag costs one small request.
import { readFile } from 'node:fs/promises';
import { atomicWrite } from './atomic-write.js';
import { join } from 'node:path';
import { FnkitError, isFnkitError } from '../errors.js';
import type { RegistryClient } from '../registry/client.js';
import { isIndexMediaType, isImageManifestMediaType, sniffManifestMediaType } from '../registry/media-types.js';
import { formatReference, parseReference, type ImageReference } from '../registry/reference.js';
import { sha256 } from './layer.js';
import { familyOf, type Descriptor, type Family } from './image.js';
import { DEFAULT_PLATFORMS, formatPlatform, parsePlatform, platformMatches, type Platform } from './platform.js';

export interface BaseImage {
  platform: Platform;
  manifestDigest: string;
  manifest: any;
  config: any;
  /** The base's layers, in order (blobs stay in the base repository until a publisher needs them). */
  layers: Descriptor[];
}

export interface ResolvedBase {
  text: string;
  ref: ImageReference;
  /** Digest of what the reference names (index or manifest). */
  digest: string;
  isIndex: boolean;
  family: Family;
  images: BaseImage[];
}

interface Fetched { mediaType: string; digest: string; bytes: Buffer; json: any }

export async function resolveBase(client: RegistryClient, text: string, wanted: string[] | undefined, cacheDir: string): Promise<ResolvedBase> {
  const ref = parseReference(text);
  const top = await fetchManifest(client, ref, text, cacheDir);
  if (isIndexMediaType(top.mediaType)) {
    const entries = (top.json.manifests ?? []) as Descriptor[];
    const platforms = (wanted ?? DEFAULT_PLATFORMS).map(parsePlatform);
    const images: BaseImage[] = [];
    for (const p of platforms) {
      const entry = entries.find((e) => isImageManifestMediaType(e.mediaType) && platformMatches(p, e.platform));
      if (!entry) {
        const have = entries.filter((e) => e.platform && e.platform.os !== 'unknown').map((e) => formatPlatform(e.platform!));
        throw new FnkitError('FN_ERR_BASE_PLATFORM', `base image ${text} has no ${formatPlatform(p)} image (it has ${have.join(', ') || 'none'})`, {
          hint: `build for the platforms the base provides (fn.yaml build.platforms), or pick a base image that has ${formatPlatform(p)}`,
          data: { base: text, platform: formatPlatform(p), available: have },
        });
      }
      const m = await fetchManifest(client, { ...ref, digest: entry.digest }, text, cacheDir);
      images.push(await platformImage(client, ref, m, { ...p, ...(entry.platform?.variant ? { variant: entry.platform.variant } : {}) }, cacheDir));
    }
    return { text, ref, digest: top.digest, isIndex: true, family: familyOf(top.mediaType), images };
  }
  if (!isImageManifestMediaType(top.mediaType)) {
    throw new FnkitError('FN_ERR_BASE_NOT_IMAGE', `base ${text} is a ${top.mediaType}, not a container image`, {
      hint: 'point fn.yaml build.base at a Node.js container image, such as docker.io/library/node:24-slim',
      data: { base: text, mediaType: top.mediaType },
    });
  }
  const image = await platformImage(client, ref, top, undefined, cacheDir);
  if (wanted && wanted.length) {
    const bad = wanted.map(parsePlatform).filter((p) => !platformMatches(p, image.platform));
    if (bad.length) {
      throw new FnkitError('FN_ERR_BASE_PLATFORM', `base image ${text} is a single ${formatPlatform(image.platform)} image; it cannot make ${bad.map(formatPlatform).join(', ')}`, {
        hint: 'use a multi-platform base (an image index), or build only for the base\'s platform',
        data: { base: text, platform: formatPlatform(image.platform) },
      });
    }
  }
  return { text, ref, digest: top.digest, isIndex: false, family: familyOf(top.mediaType), images: [image] };
}

async function platformImage(client: RegistryClient, ref: ImageReference, m: Fetched, platform: Platform | undefined, cacheDir: string): Promise<BaseImage> {
  const configDesc = m.json.config as Descriptor | undefined;
  if (!configDesc?.digest) {
    throw new FnkitError('FN_ERR_BASE_NOT_IMAGE', `base ${formatReference(ref)} manifest ${m.digest} has no config`, { data: { digest: m.digest } });
  }
  const configBytes = await cachedDoc(cacheDir, configDesc.digest, () => client.getBlob(ref, configDesc.digest));
  const config = JSON.parse(configBytes.toString());
  const p: Platform = platform ?? { os: config.os ?? 'linux', architecture: config.architecture ?? 'amd64', ...(config.variant ? { variant: config.variant } : {}) };
  return { platform: p, manifestDigest: m.digest, manifest: m.json, config, layers: (m.json.layers ?? []) as Descriptor[] };
}

async function fetchManifest(client: RegistryClient, ref: ImageReference, text: string, cacheDir: string): Promise<Fetched> {
  try {
    if (ref.digest) {
      const bytes = await cachedDoc(cacheDir, ref.digest, async () => (await client.getManifest(ref)).bytes);
      const json = JSON.parse(bytes.toString());
      return { mediaType: sniffManifestMediaType(json) ?? '', digest: ref.digest, bytes, json };
    }
    return await client.getManifest(ref);
  } catch (err) {
    if (isFnkitError(err) && err.code === 'FN_ERR_IMAGE_NOT_FOUND') {
      throw new FnkitError('FN_ERR_BASE_NOT_FOUND', `base image ${text} not found in its registry (${err.message})`, {
        hint: 'check fn.yaml build.base for typos, or that the tag still exists; pin a digest (name@sha256:...) to stop it moving',
        data: { base: text },
        cause: err,
      });
    }
    throw err;
  }
}

/** Content-addressed: whatever is read back is checked against its digest before use. */
async function cachedDoc(cacheDir: string, digest: string, fetch: () => Promise<Buffer>): Promise<Buffer> {
  const file = join(cacheDir, digest.replace(':', '-'));
  const hit = await readFile(file).catch(() => undefined);
  if (hit && sha256(hit) === digest) return hit;
  const bytes = await fetch();
  if (digest.startsWith('sha256:') && sha256(bytes) === digest) {
    await atomicWrite(file, bytes);
  }
  return bytes;
}
