// Base + new layers + settings -> config, manifest and index bytes (ko's mutate.Append +
// mutate.ConfigFile, style.md §4). Pure: plain values in, bytes out, no registry. The output
// keeps the base's media-type family (Docker schema 2 or OCI), because a Docker manifest that
// names OCI layers, or the reverse, is refused by some registries.
import {
  DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST,
  OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST,
} from '../registry/media-types.js';
import { sha256, type Layer } from './layer.js';
import type { Platform } from './platform.js';

export type Family = 'oci' | 'docker';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

/** A JSON document as it is stored: its bytes are what the digest covers. */
export interface Doc {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

export interface ImageSettings {
  entrypoint: string[];
  workingDir: string;
  /** Numeric uid[:gid]: Kubernetes runAsNonRoot can only check numbers. */
  user: string;
  /** Set over the base's Env (same key wins). */
  env: Record<string, string>;
  exposedPort: number;
  labels: Record<string, string>;
  /** RFC 3339, from SOURCE_DATE_EPOCH. */
  created: string;
}

export function familyOf(manifestMediaType: string): Family {
  return manifestMediaType === DOCKER_MANIFEST || manifestMediaType === DOCKER_MANIFEST_LIST ? 'docker' : 'oci';
}

export function toDoc(mediaType: string, value: unknown): Doc {
  const bytes = Buffer.from(JSON.stringify(value));
  return { mediaType, digest: sha256(bytes), bytes };
}

/** RFC 3339 seconds for an epoch (the format Docker and OCI configs use). */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The new image config (image-spec config.md): the base's config with our layers' diff_ids and
 * history appended and the runtime settings replaced. Cmd is cleared: a base Cmd such as
 * ["node"] would otherwise be passed to our entrypoint as an argument.
 */
export function makeConfig(base: any, layers: Layer[], s: ImageSettings, family: Family): Doc {
  const baseConf = (base?.config ?? {}) as Record<string, any>;
  const env = new Map<string, string>();
  for (const kv of (baseConf.Env ?? []) as string[]) {
    const i = kv.indexOf('=');
    env.set(i < 0 ? kv : kv.slice(0, i), i < 0 ? '' : kv.slice(i + 1));
  }
  for (const [k, v] of Object.entries(s.env)) env.set(k, v);
  const { Cmd: _baseCmd, ...kept } = baseConf;
  const config: Record<string, unknown> = {
    ...kept,
    User: s.user,
    ExposedPorts: { ...(baseConf.ExposedPorts ?? {}), [`${s.exposedPort}/tcp`]: {} },
    Env: [...env].map(([k, v]) => `${k}=${v}`),
    Entrypoint: s.entrypoint,
    WorkingDir: s.workingDir,
    Labels: { ...(baseConf.Labels ?? {}), ...s.labels },
  };
  const value = {
    ...base,
    created: s.created,
    architecture: base.architecture,
    os: base.os,
    config,
    rootfs: { type: 'layers', diff_ids: [...((base.rootfs?.diff_ids ?? []) as string[]), ...layers.map((l) => l.diffId)] },
    history: [
      ...((base.history ?? []) as unknown[]),
      ...layers.map((l) => ({ created: s.created, created_by: 'fn build', comment: l.description })),
    ],
  };
  return toDoc(family === 'docker' ? DOCKER_CONFIG : OCI_CONFIG, value);
}

/** The new image manifest: base layers unchanged (same blobs), ours appended. */
export function makeManifest(baseManifest: any, config: Doc, layers: Layer[], family: Family, annotations: Record<string, string>): Doc {
  const layerType = family === 'docker' ? DOCKER_LAYER_GZIP : OCI_LAYER_GZIP;
  const mediaType = family === 'docker' ? DOCKER_MANIFEST : OCI_MANIFEST;
  const value: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.bytes.length },
    layers: [
      ...((baseManifest.layers ?? []) as Descriptor[]),
      ...layers.map((l) => ({ mediaType: layerType, digest: l.digest, size: l.size })),
    ],
  };
  // Docker schema 2 has no annotations field; the same facts are in the config labels
  if (family === 'oci' && Object.keys(annotations).length) value.annotations = annotations;
  return toDoc(mediaType, value);
}

/** An index over per-platform manifests (image-spec image-index.md). */
export function makeIndex(entries: { manifest: Doc; platform: Platform }[], family: Family, annotations: Record<string, string>): Doc {
  const mediaType = family === 'docker' ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  const value: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((e) => ({
      mediaType: e.manifest.mediaType,
      digest: e.manifest.digest,
      size: e.manifest.bytes.length,
      platform: e.platform,
    })),
  };
  if (family === 'oci' && Object.keys(annotations).length) value.annotations = annotations;
  return toDoc(mediaType, value);
}

/**
 * The node binary to run: the one the base's Entrypoint or Cmd names (distroless has
 * /nodejs/bin/node and no PATH entry for it), else `node` from PATH (the official images).
 */
export function nodeBinaryOf(baseConfig: any): string {
  const candidates = [...((baseConfig?.config?.Entrypoint ?? []) as string[]), ...((baseConfig?.config?.Cmd ?? []) as string[])];
  for (const c of candidates) {
    const name = c.split('/').pop() ?? '';
    if (name === 'node' || name === 'nodejs') return c;
  }
  return 'node';
}

/** One variable of an image config's Env (`NAME=value` strings), if it is set. */
export function envValue(config: any, name: string): string | undefined {
  const env = (config?.config?.Env ?? []) as unknown[];
  for (const e of env) if (typeof e === 'string' && e.startsWith(name + '=')) return e.slice(name.length + 1);
  return undefined;
}

/** Keeps a non-root numeric User of the base (distroless nonroot: 65532); else 1000:1000. */
export function userFor(baseConfig: any, fallback = '1000:1000'): string {
  const u = String(baseConfig?.config?.User ?? '');
  const m = /^(\d+)(?::(\d+))?$/.exec(u);
  return m && m[1] !== '0' ? u : fallback;
}
