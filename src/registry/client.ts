// The OCI distribution API client (distribution-spec v1.1, spec.md): manifests and blobs by
// digest, pulls cached on disk by digest, pushes that skip what the registry already has.
// Everything a client learns (endpoints, challenges, tokens) lives on the instance.
import { Readable, Transform } from 'node:stream';
import { repositoryScope } from './auth.js';
import { BlobCache, defaultCacheDir } from './cache.js';
import type { CredentialStore } from './credentials.js';
import { digestLike, sha256Digest, verifyDigest } from './digest.js';
import { DockerConfigStore } from './docker-config.js';
import { authFailed, describeErrorBody, digestMismatch, notFound, protocolError, sizeMismatch } from './errors.js';
import { header, type HttpResponse } from './http.js';
import { MANIFEST_ACCEPT, sniffManifestMediaType } from './media-types.js';
import { formatReference, manifestIdentifier, validateDigest, type ImageReference } from './reference.js';
import { Transport } from './transport.js';

export type { ImageReference } from './reference.js';
export type { Credential, CredentialStore } from './credentials.js';

export interface ProgressEvent { kind: 'upload' | 'download' | 'skip'; digest: string; size: number }

export interface RegistryClientOptions {
  /** Plain HTTP and unverified TLS for every registry; loopback registries may always use plain HTTP. */
  insecure?: boolean;
  /** Default: ~/.docker/config.json ($DOCKER_CONFIG), with credHelpers and credsStore. */
  auth?: CredentialStore;
  /** Default: ~/.cache/fnkit/blobs ($XDG_CACHE_HOME), content-addressed by digest. `false`: no cache. */
  cacheDir?: string | false;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Attempts for a repeatable request after transient failures (reset, 429, 5xx). Default 3. */
  attempts?: number;
  /** First retry delay in ms, doubled each time. Default 200. */
  retryDelayMs?: number;
}

export interface PushBlobOptions {
  /** A repository on the same registry that has the blob: mount it from there instead of uploading. */
  mountFrom?: ImageReference;
}

export interface ManifestResult { mediaType: string; digest: string; bytes: Buffer; json: any }

const GENERIC_TYPES = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

function contentType(res: HttpResponse): string {
  return (header(res, 'content-type') ?? '').split(';')[0]!.trim();
}

export class RegistryClient {
  private readonly transport: Transport;
  private readonly cache: BlobCache | undefined;
  private readonly onProgress: (e: ProgressEvent) => void;
  private readonly inflight = new Map<string, Promise<Buffer>>();

  constructor(opts: RegistryClientOptions = {}) {
    this.transport = new Transport({
      insecure: opts.insecure ?? false,
      store: opts.auth ?? new DockerConfigStore(),
      signal: opts.signal,
      attempts: opts.attempts ?? 3,
      retryDelayMs: opts.retryDelayMs ?? 200,
    });
    this.cache = opts.cacheDir === false ? undefined : new BlobCache(opts.cacheDir ?? defaultCacheDir());
    this.onProgress = opts.onProgress ?? (() => undefined);
  }

  /** Frees pooled connections; the client may not be used afterwards. */
  close(): void {
    this.transport.close();
  }

  /**
   * A manifest or index by tag or digest. By digest, a cached copy answers without any request;
   * by tag, a HEAD finds the digest and the cache answers when it has it (Docker Hub counts GETs,
   * not HEADs, against pull limits). The bytes are verified against the digest either way.
   */
  async getManifest(ref: ImageReference, accept: string[] = [...MANIFEST_ACCEPT]): Promise<ManifestResult> {
    const id = manifestIdentifier(ref);
    const pinnedDigest = ref.digest ? validateDigest(ref.digest, formatReference(ref)) : undefined;
    const path = `/v2/${ref.repository}/manifests/${id}`;
    const headers = { accept: accept.join(', ') };
    const scopes = [repositoryScope(ref.repository, false)];
    let known = pinnedDigest;
    if (!known && this.cache) {
      const head = await this.transport.request(ref.registry, { method: 'HEAD', path, headers, scopes, repeatable: true });
      const announced = head.status === 200 ? header(head, 'docker-content-digest') : undefined;
      if (announced && isDigest(announced)) known = announced;
      else if (head.status !== 200 && head.status !== 405) this.fail(head, ref, `HEAD ${path}`, 'Manifest');
    }
    if (known && this.cache) {
      const cached = await this.cache.get(known);
      if (cached) {
        const parsed = this.parseManifest(cached, '', ref);
        if (accept.includes(parsed.mediaType)) return { ...parsed, digest: known };
      }
    }
    const res = await this.transport.request(ref.registry, { method: 'GET', path, headers, scopes, repeatable: true });
    if (res.status !== 200) this.fail(res, ref, `GET ${path}`, 'Manifest');
    const announced = header(res, 'docker-content-digest');
    const expected = pinnedDigest ?? (announced ? validateDigest(announced) : undefined);
    const digest = expected ?? sha256Digest(res.body);
    verifyDigest(`The manifest ${formatReference(ref)}`, digest, res.body);
    const parsed = this.parseManifest(res.body, contentType(res), ref);
    await this.cache?.put(digest, res.body);
    return { ...parsed, digest };
  }

  /** A blob's bytes, from the cache when present, else downloaded, verified and cached. */
  async getBlob(ref: ImageReference, digest: string): Promise<Buffer> {
    validateDigest(digest, `${formatReference(ref)} blob ${digest}`);
    const cached = await this.cache?.get(digest);
    if (cached) return cached;
    const key = `${ref.registry}/${ref.repository}@${digest}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = this.downloadBlob(ref, digest).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async downloadBlob(ref: ImageReference, digest: string): Promise<Buffer> {
    const path = `/v2/${ref.repository}/blobs/${digest}`;
    const res = await this.transport.request(ref.registry, { method: 'GET', path, scopes: [repositoryScope(ref.repository, false)], repeatable: true });
    if (res.status !== 200) this.fail(res, { ...ref, tag: undefined, digest }, `GET ${path}`, 'Blob');
    verifyDigest(`The blob ${digest} from ${ref.registry}/${ref.repository}`, digest, res.body);
    await this.cache?.put(digest, res.body);
    this.onProgress({ kind: 'download', digest, size: res.body.length });
    return res.body;
  }

  /**
   * The digest a tag points at now, from one HEAD (no download): what deploy pins an image to.
   * Falls back to a GET when the registry's HEAD carries no Docker-Content-Digest.
   */
  async resolveDigest(ref: ImageReference, accept: string[] = [...MANIFEST_ACCEPT]): Promise<string> {
    if (ref.digest) return validateDigest(ref.digest, formatReference(ref));
    const path = `/v2/${ref.repository}/manifests/${manifestIdentifier(ref)}`;
    const res = await this.transport.request(ref.registry, {
      method: 'HEAD', path, headers: { accept: accept.join(', ') }, scopes: [repositoryScope(ref.repository, false)], repeatable: true,
    });
    if (res.status !== 200 && res.status !== 405) this.fail(res, ref, `HEAD ${path}`, 'Manifest');
    const announced = res.status === 200 ? header(res, 'docker-content-digest') : undefined;
    if (announced) return validateDigest(announced);
    return (await this.getManifest(ref, accept)).digest;
  }

  async hasBlob(ref: ImageReference, digest: string): Promise<boolean> {
    validateDigest(digest, `${formatReference(ref)} blob ${digest}`);
    return this.headBlob(ref, digest, false);
  }

  private async headBlob(ref: ImageReference, digest: string, push: boolean): Promise<boolean> {
    const path = `/v2/${ref.repository}/blobs/${digest}`;
    const res = await this.transport.request(ref.registry, { method: 'HEAD', path, scopes: [repositoryScope(ref.repository, push)], repeatable: true });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.fail(res, ref, `HEAD ${path}`, 'Blob');
  }

  /**
   * Uploads a blob unless the repository has it (HEAD first). A Buffer goes up in one PUT after
   * its digest and size are checked here; a stream factory goes up as one streamed PATCH then a
   * closing PUT (distribution-spec "Pushing a blob in chunks"), and the registry checks the
   * digest. A transient failure restarts the whole upload, with a fresh stream from the factory.
   * With `mountFrom` naming another repository of the same registry that holds the blob (a base
   * image's layers), the registry is asked to link it instead (spec: "Mounting a blob from
   * another repository"); a registry that declines answers with a normal upload session.
   */
  async pushBlob(ref: ImageReference, digest: string, size: number, data: Buffer | (() => NodeJS.ReadableStream), opts: PushBlobOptions = {}): Promise<{ uploaded: boolean; mounted?: boolean }> {
    validateDigest(digest, `${formatReference(ref)} blob ${digest}`);
    if (Buffer.isBuffer(data) && data.length !== size) throw sizeMismatch(`The blob ${digest}`, size, `${data.length} bytes`);
    if (await this.headBlob(ref, digest, true)) {
      this.onProgress({ kind: 'skip', digest, size });
      return { uploaded: false };
    }
    // Hashed only when it is about to be sent: a skipped 40 MB layer costs no hashing.
    if (Buffer.isBuffer(data)) verifyDigest(`The blob to push as ${digest}`, digest, data);
    const from = opts.mountFrom;
    if (from && from.registry === ref.registry && from.repository !== ref.repository) {
      const start = `/v2/${ref.repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from.repository)}`;
      const scopes = [repositoryScope(ref.repository, true), repositoryScope(from.repository, false)];
      const res = await this.transport.request(ref.registry, { method: 'POST', path: start, scopes, repeatable: true });
      if (res.status === 201) {
        this.onProgress({ kind: 'skip', digest, size });
        return { uploaded: false, mounted: true };
      }
      // 202: no mount (not found there, or not allowed); the session it opened is simply left to expire.
      if (res.status !== 202) this.fail(res, ref, `POST ${start}`, 'Repository');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.upload(ref, digest, size, data);
        break;
      } catch (e) {
        if (attempt >= 3 || !isRetryableUploadError(e)) throw e instanceof UploadError ? e.error : e;
      }
    }
    this.onProgress({ kind: 'upload', digest, size });
    return { uploaded: true };
  }

  private async upload(ref: ImageReference, digest: string, size: number, data: Buffer | (() => NodeJS.ReadableStream)): Promise<void> {
    const scopes = [repositoryScope(ref.repository, true)];
    const start = `/v2/${ref.repository}/blobs/uploads/`;
    const opened = await this.transport.request(ref.registry, { method: 'POST', path: start, scopes, repeatable: true });
    if (opened.status !== 202) this.fail(opened, ref, `POST ${start}`, 'Repository');
    let location = await this.location(ref, opened, `POST ${start}`);
    try {
      if (!Buffer.isBuffer(data)) {
        // A known length (Content-Length and Content-Range, spec "Pushing a blob in chunks") suits
        // registries that refuse chunked transfer encoding; the stream is held to that length.
        const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
        if (size > 0) Object.assign(headers, { 'content-length': String(size), 'content-range': `0-${size - 1}` });
        const patched = await this.transport.request(ref.registry, {
          method: 'PATCH', path: location, headers, body: () => exactly(data(), size, digest), scopes, repeatable: false,
        });
        if (patched.status !== 202) throw new UploadError(this.failure(patched, ref, 'PATCH upload', 'Upload'), patched.status);
        location = await this.location(ref, patched, 'PATCH upload');
      }
      const url = new URL(location);
      url.searchParams.set('digest', digest);
      const body = Buffer.isBuffer(data) ? data : undefined;
      const put = await this.transport.request(ref.registry, {
        method: 'PUT', path: url.toString(), headers: body ? { 'content-type': 'application/octet-stream' } : {}, body, scopes, repeatable: false,
      });
      if (put.status === 201) return;
      const detail = describeErrorBody(put.body);
      if (put.status === 400 && /DIGEST_INVALID|SIZE_INVALID/.test(detail)) {
        throw digestMismatch(`The blob uploaded to ${ref.registry}/${ref.repository} (${size} bytes announced)`, digest, `something else (registry: ${detail})`);
      }
      throw new UploadError(this.failure(put, ref, 'PUT upload', 'Upload'), put.status);
    } catch (e) {
      // Spec "Canceling an upload": free the registry's half-written session now rather than
      // leave it to the registry's purge. Best effort: the session may already be gone.
      await this.transport.request(ref.registry, { method: 'DELETE', path: location, scopes, repeatable: false }).catch(() => undefined);
      throw e;
    }
  }

  /** Upload URLs come back relative or absolute (spec: "Location" of the upload session). */
  private async location(ref: ImageReference, res: HttpResponse, request: string): Promise<string> {
    const loc = header(res, 'location');
    if (!loc) throw protocolError(ref.registry, request, res.status, 'no Location header for the upload session');
    return new URL(loc, await this.transport.base(ref.registry)).toString();
  }

  /**
   * Stores a manifest or index under a tag or a digest and returns its digest. When the
   * reference names a digest, the bytes must hash to it; the registry's announced digest
   * must agree with ours.
   */
  async putManifest(ref: ImageReference, mediaType: string, bytes: Buffer): Promise<string> {
    const digest = ref.digest ? digestLike(validateDigest(ref.digest), bytes) : sha256Digest(bytes);
    if (ref.digest && digest !== ref.digest) throw digestMismatch(`The manifest to push as ${formatReference(ref)}`, ref.digest, digest);
    const path = `/v2/${ref.repository}/manifests/${ref.tag ?? ref.digest ?? 'latest'}`;
    const res = await this.transport.request(ref.registry, {
      method: 'PUT', path, headers: { 'content-type': mediaType }, body: bytes, scopes: [repositoryScope(ref.repository, true)], repeatable: true,
    });
    if (res.status !== 201 && res.status !== 200) {
      if (res.status === 400 && /BLOB_UNKNOWN|MANIFEST_BLOB_UNKNOWN/.test(describeErrorBody(res.body))) {
        throw protocolError(ref.registry, `PUT ${path}`, res.status, `${describeErrorBody(res.body)}; push every layer and config blob before the manifest that names them`);
      }
      this.fail(res, ref, `PUT ${path}`, 'Repository');
    }
    const announced = header(res, 'docker-content-digest');
    if (announced && announced !== digest && announced.split(':')[0] === digest.split(':')[0]) {
      throw digestMismatch(`The manifest stored at ${formatReference(ref)}`, digest, announced);
    }
    if (ref.digest) await this.cache?.put(digest, bytes);
    return digest;
  }

  private parseManifest(bytes: Buffer, type: string, ref: ImageReference): Omit<ManifestResult, 'digest'> {
    let json: unknown;
    try { json = JSON.parse(bytes.toString('utf8')); } catch {
      throw protocolError(ref.registry, `the manifest ${formatReference(ref)}`, 200, 'the body is not JSON');
    }
    const mediaType = GENERIC_TYPES.has(type) ? sniffManifestMediaType(json) : type;
    if (!mediaType) throw protocolError(ref.registry, `the manifest ${formatReference(ref)}`, 200, 'no media type in the answer or the manifest');
    return { mediaType, bytes, json };
  }

  private failure(res: HttpResponse, ref: ImageReference, request: string, what: string) {
    if (res.status === 401 || res.status === 403) {
      const action = request.startsWith('GET') || request.startsWith('HEAD') ? 'pull' : 'push';
      const who = this.transport.authorizer.wasAnonymous(ref.registry) ? 'anonymous access' : 'the stored credentials';
      return authFailed(ref.registry, `${who} to ${action} ${ref.registry}/${ref.repository}`, res.status, this.transport.authorizer.credentialSource(ref.registry), res.body);
    }
    if (res.status === 404) return notFound(formatReference(ref), what, res.body);
    return protocolError(ref.registry, request, res.status, res.body);
  }

  private fail(res: HttpResponse, ref: ImageReference, request: string, what: string): never {
    throw this.failure(res, ref, request, what);
  }
}

function isDigest(s: string): boolean {
  try { validateDigest(s); return true; } catch { return false; }
}

/** The stream, failing with FN_ERR_DIGEST_MISMATCH as soon as it is longer or shorter than announced. */
function exactly(src: NodeJS.ReadableStream, size: number, digest: string): NodeJS.ReadableStream {
  let seen = 0;
  const wrong = (n: string) => sizeMismatch(`The stream for blob ${digest}`, size, n);
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > size ? wrong(`more than ${size} bytes`) : null, chunk);
    },
    flush(done) { done(seen !== size ? wrong(`${seen} bytes`) : null); },
  });
  const readable = src instanceof Readable ? src : Readable.from(src as AsyncIterable<Buffer>);
  readable.on('error', (e) => check.destroy(e));
  return readable.pipe(check);
}

/** An upload answered with a status worth one more try (the session may have been lost). */
class UploadError extends Error {
  constructor(readonly error: Error, readonly status: number) { super(error.message); }
}

function isRetryableUploadError(e: unknown): boolean {
  if (e instanceof UploadError) return e.status >= 500 || e.status === 429 || e.status === 404;
  const code = (e as { code?: string; data?: { cause?: string } })?.data?.cause;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT';
}
