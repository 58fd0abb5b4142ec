// The registry area: OCI distribution client, references, credentials, media types.
export { RegistryClient, type ManifestResult, type ProgressEvent, type PushBlobOptions, type RegistryClientOptions } from './client.js';
export { formatReference, manifestIdentifier, parseReference, pinned, validateDigest, DEFAULT_TAG, DOCKER_HUB, type ImageReference } from './reference.js';
export { StaticCredentialStore, type Credential, type CredentialStore } from './credentials.js';
export { DockerConfigStore, type DockerConfigOptions } from './docker-config.js';
export { BlobCache, defaultCacheDir } from './cache.js';
export { sha256Digest, verifyDigest } from './digest.js';
export { REGISTRY_ERROR_CODES, type RegistryErrorCode } from './errors.js';
export * from './media-types.js';
