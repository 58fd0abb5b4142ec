// The registry area's errors. Each says which registry or reference, what happened and what to
// do; the CLI adds flag names (--insecure) from the hint.
import { FnkitError } from '../errors.js';

export const REGISTRY_ERROR_CODES = {
  FN_ERR_REGISTRY_UNREACHABLE: 'the registry could not be reached (connection refused, DNS, TLS)',
  FN_ERR_REGISTRY_AUTH: 'the registry refused the credentials, or needs some and none were found',
  FN_ERR_IMAGE_NOT_FOUND: 'the repository, tag, digest or blob does not exist in the registry',
  FN_ERR_REGISTRY_PROTOCOL: 'the registry answered with an unexpected status or body',
  FN_ERR_DIGEST_MISMATCH: 'content did not hash to the digest it was asked for or announced',
  FN_ERR_CREDENTIAL_HELPER: 'a docker-credential-<name> helper failed or printed something unreadable',
  FN_ERR_DOCKER_CONFIG: 'the docker config.json could not be read or parsed',
  FN_ERR_IMAGE_REFERENCE: 'an image reference does not follow the [registry/]repository[:tag][@digest] grammar',
} as const;

export type RegistryErrorCode = keyof typeof REGISTRY_ERROR_CODES;

/** The `errors[]` of a distribution error body, as one line (spec: "Error Codes"). */
export function describeErrorBody(body: Buffer | string | undefined): string {
  if (!body || body.length === 0) return '';
  const text = body.toString();
  try {
    const json = JSON.parse(text) as { errors?: Array<{ code?: string; message?: string; detail?: unknown }> };
    if (Array.isArray(json.errors) && json.errors.length > 0) {
      return json.errors.map((e) => {
        const detail = e.detail === undefined || e.detail === null ? '' : ` (${typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail)})`;
        return `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}${detail}`;
      }).join('; ');
    }
  } catch { /* not JSON: show a short plain excerpt */ }
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? flat.slice(0, 300) + '...' : flat;
}

export function unreachable(host: string, url: string, cause: unknown): FnkitError {
  const code = (cause as { code?: string })?.code;
  const reason = code ? `${code}${(cause as Error).message && !(cause as Error).message.includes(code) ? ` (${(cause as Error).message})` : ''}` : String((cause as Error)?.message ?? cause);
  return new FnkitError('FN_ERR_REGISTRY_UNREACHABLE', `Could not reach the registry ${host} at ${url}: ${reason}.`, {
    hint: `Check that the registry at ${host} is running and reachable from this machine. ` +
      'A registry served over plain HTTP (or with a self-signed certificate) on a host other than loopback needs the insecure option.',
    data: { registry: host, url, cause: code },
    cause,
  });
}

export function untrustedCertificate(host: string, url: string, cause: unknown): FnkitError {
  const code = (cause as { code?: string })?.code;
  return new FnkitError('FN_ERR_REGISTRY_UNREACHABLE', `The registry ${host} at ${url} presented a TLS certificate this machine does not trust (${code ?? (cause as Error)?.message}).`, {
    hint: `Add the registry's CA certificate (NODE_EXTRA_CA_CERTS=/path/ca.pem), or, for a registry you control, use the insecure option to skip verification for it.`,
    data: { registry: host, url, cause: code },
    cause,
  });
}

export function authFailed(host: string, what: string, status: number, source: string, body?: Buffer | string): FnkitError {
  const detail = describeErrorBody(body);
  return new FnkitError('FN_ERR_REGISTRY_AUTH', `The registry ${host} refused ${what} (HTTP ${status})${detail ? `: ${detail}` : ''}.`, {
    hint: `Credentials for ${host} are read from ${source}. Log in (docker login ${host} or podman login ${host}) with an account allowed to do this, or fix the stored user name and password.`,
    data: { registry: host, status, credentialSource: source },
  });
}

export function notFound(reference: string, what: string, body?: Buffer | string): FnkitError {
  const detail = describeErrorBody(body);
  return new FnkitError('FN_ERR_IMAGE_NOT_FOUND', `${what} not found: ${reference}${detail ? ` (${detail})` : ''}.`, {
    hint: 'Check the registry, repository and tag or digest for typos, and that the image was pushed there.',
    data: { reference },
  });
}

export function protocolError(host: string, request: string, status: number, body?: Buffer | string): FnkitError {
  const detail = describeErrorBody(body);
  return new FnkitError('FN_ERR_REGISTRY_PROTOCOL', `The registry ${host} answered ${request} with HTTP ${status}${detail ? `: ${detail}` : ''}.`, {
    hint: 'This is the registry\'s own answer; if it persists, check the registry\'s logs and that it speaks the OCI distribution API.',
    data: { registry: host, request, status, body: detail },
  });
}

export function digestMismatch(what: string, expected: string, actual: string): FnkitError {
  return new FnkitError('FN_ERR_DIGEST_MISMATCH', `${what} hashed to ${actual}, expected ${expected}.`, {
    hint: 'The content was corrupted in transit or in the cache, or the registry served something else. Retry; if it persists, clear the fnkit cache and check the registry.',
    data: { expected, actual },
  });
}

export function sizeMismatch(what: string, expected: number, actual: string): FnkitError {
  return new FnkitError('FN_ERR_DIGEST_MISMATCH', `${what} was ${actual} long, expected ${expected} bytes.`, {
    hint: 'The size given with a blob must be its exact length in bytes; check the descriptor that announced it.',
    data: { expected, actual },
  });
}
