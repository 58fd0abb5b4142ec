// The OCI distribution API client (distribution-spec v1.1, spec.md): manifests and blobs by
// digest, pulls cached on disk by digest, pushes that skip what the registry already has.
import type { CredentialStore } from './credentials.js';
import type { ImageReference } from './reference.js';

export type { ImageReference } from './reference.js';
export type { Credential, CredentialStore } from './credentials.js';

export interface ProgressEvent { kind: 'upload' | 'download' | 'skip'; digest: string; size: number }

export interface RegistryClientOptions {
  /** Plain HTTP and unverified TLS for every registry; loopback registries may always use plain HTTP. */
  insecure?: boolean;
  /** Default: ~/.docker/config.json ($DOCKER_CONFIG), with credHelpers and credsStore. */
  auth?: CredentialStore;
  /** Default: ~/.cache/fnkit/blobs ($XDG_CACHE_HOME), content-addressed by digest. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
}

export interface ManifestResult { mediaType: string; digest: string; bytes: Buffer; json: any }

export class RegistryClient {
  constructor(_opts: RegistryClientOptions = {}) {}
  async getManifest(_ref: ImageReference, _accept?: string[]): Promise<ManifestResult> { throw new Error('RegistryClient: not implemented yet'); }
  async getBlob(_ref: ImageReference, _digest: string): Promise<Buffer> { throw new Error('RegistryClient: not implemented yet'); }
  async hasBlob(_ref: ImageReference, _digest: string): Promise<boolean> { throw new Error('RegistryClient: not implemented yet'); }
  async pushBlob(_ref: ImageReference, _digest: string, _size: number, _data: Buffer | (() => NodeJS.ReadableStream)): Promise<{ uploaded: boolean }> { throw new Error('RegistryClient: not implemented yet'); }
  async putManifest(_ref: ImageReference, _mediaType: string, _bytes: Buffer): Promise<string> { throw new Error('RegistryClient: not implemented yet'); }
}
