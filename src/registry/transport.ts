// Requests to one or more registries with what every call needs: the endpoint and scheme found
// by pinging /v2/ (distribution-spec "Determining support"), the Authorization header the
// registry's challenge asks for, one re-authentication on 401, and retries of transient failures
// (connection resets, 429, 5xx) for requests that are safe to repeat.
import { FnkitError } from '../errors.js';
import { Authorizer, mergeScopes } from './auth.js';
import { parseChallenges, pickChallenge } from './challenge.js';
import type { CredentialStore } from './credentials.js';
import { unreachable, untrustedCertificate } from './errors.js';
import { createAgents, header, send, type HttpAgents, type HttpRequest, type HttpResponse, type RequestBody } from './http.js';
import { DOCKER_HUB } from './reference.js';

export interface TransportOptions {
  insecure: boolean;
  store: CredentialStore;
  signal?: AbortSignal;
  /** Attempts for a repeatable request, the first included. */
  attempts: number;
  /** First back-off; doubled each time, capped at 5 s. */
  retryDelayMs: number;
}

export interface RegistryRequest {
  method: string;
  /** A path below the endpoint (`/v2/...`) or an absolute URL the registry gave (upload Location). */
  path: string;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Token scopes this request needs (token spec "Requesting a Token"). */
  scopes: string[];
  /** Safe to send again after a transient failure. */
  repeatable: boolean;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const MAX_DELAY_MS = 5_000;

/** Loopback registries may always speak plain HTTP, as docker and podman allow. */
export function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name) || name.endsWith('.localhost');
}

/** Docker Hub's API is not served at docker.io itself. */
export function endpointHost(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}

export function isCertificateError(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

export function isTransientError(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export class Transport {
  readonly authorizer: Authorizer;
  private readonly agents: HttpAgents;
  private readonly bases = new Map<string, Promise<string>>();

  constructor(private readonly opts: TransportOptions) {
    this.agents = createAgents(opts.insecure);
    this.authorizer = new Authorizer(opts.store, (req) => this.raw({ ...req, signal: opts.signal }, true));
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** `scheme://host` for a registry, found once per client by pinging /v2/. */
  base(registry: string): Promise<string> {
    let p = this.bases.get(registry);
    if (!p) {
      p = this.ping(registry);
      this.bases.set(registry, p);
      p.catch(() => this.bases.delete(registry));
    }
    return p;
  }

  private async ping(registry: string): Promise<string> {
    const host = endpointHost(registry);
    // https first even where plain HTTP is allowed: plain text sent to a TLS port gets an HTTP
    // 400 back from Go servers, which would pass for a working endpoint.
    const schemes = this.opts.insecure || isLoopback(host) ? ['https', 'http'] : ['https'];
    let lastError: unknown;
    let lastUrl = '';
    for (const scheme of schemes) {
      lastUrl = `${scheme}://${host}/v2/`;
      try {
        const res = await this.raw({ method: 'GET', url: lastUrl, signal: this.opts.signal }, true);
        if (res.status === 401) {
          const challenge = pickChallenge(parseChallenges(header(res, 'www-authenticate')));
          if (challenge) this.authorizer.setChallenge(registry, challenge);
        }
        return `${scheme}://${host}`;
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        // The port speaks TLS but its certificate is not trusted: falling back to plain HTTP
        // would only earn a 400 from the TLS port, so say what is wrong instead.
        if (scheme === 'https' && isCertificateError(e)) throw untrustedCertificate(registry, lastUrl, e);
        lastError = e;
      }
    }
    throw unreachable(registry, lastUrl, lastError);
  }

  /** One request with auth and retries. Returns every HTTP answer; callers judge the status. */
  async request(registry: string, req: RegistryRequest): Promise<HttpResponse> {
    const base = await this.base(registry);
    const url = /^https?:\/\//.test(req.path) ? req.path : base + req.path;
    let scopes = req.scopes;
    for (let attempt = 0; ; attempt++) {
      // Credentials go to the registry only, never to another host an upload Location names
      // (go-containerregistry's transport does the same).
      const authorization = new URL(url).host === new URL(base).host ? await this.authorizer.header(registry, scopes) : undefined;
      const headers = { ...req.headers };
      if (authorization) headers.authorization = authorization;
      let res: HttpResponse;
      try {
        res = await this.raw({ method: req.method, url, headers, body: req.body, signal: this.opts.signal }, req.repeatable);
      } catch (e) {
        // Our own errors (a request body that broke its promise) and aborts pass through as they are.
        if ((e as Error).name === 'AbortError' || e instanceof FnkitError) throw e;
        throw unreachable(registry, url, e);
      }
      if (res.status !== 401 || attempt > 0) return res;
      // A 401 says how to authenticate (a first contact, or a token that expired or lacks a
      // scope the registry names); answer it once, then let the caller report the refusal.
      const challenge = pickChallenge(parseChallenges(header(res, 'www-authenticate')));
      if (!challenge) return res;
      this.authorizer.setChallenge(registry, challenge);
      this.authorizer.invalidate(registry, scopes);
      scopes = mergeScopes(scopes, challenge.params.scope ? [challenge.params.scope] : []);
      // A streamed body was consumed by the refused attempt; callers only stream after an
      // authenticated request to the same repository, so this is a safe exception.
      if (req.body !== undefined && !Buffer.isBuffer(req.body) && !req.repeatable) return res;
    }
  }

  /** send() with retries of transient failures when the request may be repeated. */
  private async raw(req: HttpRequest, repeatable: boolean): Promise<HttpResponse> {
    const attempts = repeatable ? Math.max(1, this.opts.attempts) : 1;
    let delay = this.opts.retryDelayMs;
    for (let i = 1; ; i++) {
      try {
        const res = await send(req, this.agents);
        if (i < attempts && TRANSIENT_STATUS.has(res.status)) {
          await sleep(retryAfter(res) ?? delay, req.signal);
          delay = Math.min(delay * 2, MAX_DELAY_MS);
          continue;
        }
        return res;
      } catch (e) {
        if (i >= attempts || !isTransientError(e) || req.signal?.aborted) throw e;
        await sleep(delay, req.signal);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }
}

function retryAfter(res: HttpResponse): number | undefined {
  const v = header(res, 'retry-after');
  if (!v || !/^\d+$/.test(v)) return undefined;
  return Math.min(Number(v) * 1000, MAX_DELAY_MS);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
