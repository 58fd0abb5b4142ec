// `fn build`'s library entry: the contract `fn deploy` and the CLI call. Build and publish stay
// apart (style.md §4, habit 8): builder.ts turns a FunctionSpec into an image value (blobs,
// manifests, config), and src/publish/* moves that value to a registry, an OCI layout or a tar.
import type { FunctionSpec } from '../config/types.js';

export interface BuildOptions {
  /** Target repository[:tag]; default from fn.yaml build.image, or build.registry + '/' + name. */
  image?: string;
  push?: boolean;
  /** Write an OCI image layout folder here. */
  layout?: string;
  /** Write a docker/podman-loadable tar here. */
  tar?: string;
  /** Plain HTTP to the registries (always allowed for loopback). */
  insecure?: boolean;
  /** Default: linux/amd64,linux/arm64 when the base is an index, else the base's own platform. */
  platforms?: string[];
  signal?: AbortSignal;
  onProgress?: (step: string, detail?: Record<string, unknown>) => void;
  /** Seconds since the epoch for every mtime and `created`; default $SOURCE_DATE_EPOCH or 0. */
  sourceDateEpoch?: number;
  /**
   * Blob cache folder for the RegistryClient (default $XDG_CACHE_HOME/fnkit/blobs, i.e.
   * ~/.cache/fnkit/blobs); the build's other caches (manifests, bundles, layers) sit beside it.
   */
  cacheDir?: string;
}

export interface BuildResult {
  /** The manifest digest (one platform) or the index digest (several). */
  digest: string;
  /** repo@sha256:... when pushed. */
  reference?: string;
  mediaType: string;
  platforms: string[];
  /** The layers fnkit added (the base's are not listed). */
  layers: { digest: string; size: number; description: string }[];
  durationMs: number;
  /** The base as written and the digest it resolved to (pin it as reference@digest). */
  base?: { reference: string; digest: string };
}

export async function buildFunction(spec: FunctionSpec, opts: BuildOptions = {}): Promise<BuildResult> {
  const { build } = await import('./builder.js');
  return build(spec, opts);
}
