// Image references as docker and podman read them: `node:22` is docker.io/library/node:22,
// `localhost:5000/x` keeps its host. The grammar is distribution's reference package
// (github.com/distribution/reference, regexp.go); errors name the part that is wrong.
import { FnkitError } from '../errors.js';

export interface ImageReference {
  /** Host[:port] as written, with Docker Hub spelled `docker.io`. */
  registry: string;
  /** Path inside the registry: `library/node`, `team/app`. */
  repository: string;
  /** Absent when the reference names no tag; operations then use `latest` unless a digest is set. */
  tag?: string;
  /** `sha256:<64 hex>`; wins over the tag when both are present, as in docker. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
export const DEFAULT_TAG = 'latest';

// distribution/reference regexp.go: path components are lowercase alphanumerics joined by
// one of `.`, `_`, `__` or any number of `-`.
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
// A domain component may hold uppercase letters and hyphens; a port is digits; IPv6 in brackets.
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const MAX_NAME = 255;

function invalid(ref: string, part: string, why: string, example: string): FnkitError {
  return new FnkitError('FN_ERR_IMAGE_REFERENCE', `Invalid image reference "${ref}": ${part} ${why}.`, {
    hint: `Write it as [registry[:port]/]repository[:tag][@sha256:<digest>], for example ${example}.`,
    data: { reference: ref, part },
  });
}

/** Checks a digest string (`sha256:<hex>`) and returns it; throws naming the reference. */
export function validateDigest(digest: string, ref = digest): string {
  const m = DIGEST.exec(digest);
  if (!m) throw invalid(ref, `digest "${digest}"`, 'is not of the form algorithm:hex', 'node@sha256:' + '0'.repeat(64));
  const want = HEX_LENGTH[m[1]!];
  if (want === undefined) throw invalid(ref, `digest algorithm "${m[1]}"`, 'is not supported (sha256 or sha512)', 'node@sha256:' + '0'.repeat(64));
  if (m[2]!.length !== want || !/^[a-f0-9]+$/.test(m[2]!)) {
    throw invalid(ref, `digest "${digest}"`, `must have ${want} lowercase hex characters`, 'node@sha256:' + '0'.repeat(64));
  }
  return digest;
}

/** Is this first path component a registry host? Docker's rule: it has a dot or a port, or is localhost. */
function looksLikeHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');
}

export function parseReference(ref: string): ImageReference {
  if (typeof ref !== 'string' || ref.trim() === '') {
    throw invalid(String(ref), 'the reference', 'is empty', 'docker.io/library/node:24-slim');
  }
  if (ref !== ref.trim() || /\s/.test(ref)) throw invalid(ref, 'the reference', 'contains whitespace', 'node:24-slim');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    throw invalid(ref, 'the scheme', 'is not part of an image reference (drop http:// or docker://)', 'localhost:5000/app:1');
  }
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = validateDigest(rest.slice(at + 1), ref);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      throw invalid(ref, `tag "${tag}"`, 'must be 1 to 128 letters, digits, "_", "." or "-", not starting with "." or "-"', 'node:24-slim');
    }
  }
  if (rest === '') throw invalid(ref, 'the repository', 'is missing', 'node:24-slim');
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeHost(parts[0]!)) {
    registry = parts.shift()!;
    if (!DOMAIN.test(registry)) throw invalid(ref, `registry "${registry}"`, 'is not a valid host[:port]', 'localhost:5000/app:1');
    if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  }
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      const why = p === '' ? 'is empty (check for a doubled or trailing "/")'
        : p !== p.toLowerCase() ? 'must be lowercase'
        : 'may only hold lowercase letters, digits and single separators (".", "_", "__", "-")';
      throw invalid(ref, `repository component "${p}"`, why, 'myteam/my-function:1');
    }
  }
  // Docker Hub's official images live under library/.
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (registry.length + 1 + repository.length > MAX_NAME) {
    throw invalid(ref, 'the name', `is longer than ${MAX_NAME} characters`, 'myteam/my-function:1');
  }
  const out: ImageReference = { registry, repository };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** The fully qualified form: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  let s = `${ref.registry}/${ref.repository}`;
  if (ref.tag) s += `:${ref.tag}`;
  if (ref.digest) s += `@${ref.digest}`;
  return s;
}

/** What a manifest request asks for: the digest when pinned, else the tag, else `latest`. */
export function manifestIdentifier(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

/** A copy pinned to a digest, with the tag dropped (what deploy should run). */
export function pinned(ref: ImageReference, digest: string): ImageReference {
  return { registry: ref.registry, repository: ref.repository, digest: validateDigest(digest) };
}
