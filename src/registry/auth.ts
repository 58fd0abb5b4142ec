// Turns a registry's challenge and the stored credentials into an Authorization header.
// Basic: the user and password as they are. Bearer: a token from the challenge's realm, per the
// distribution token spec (docs/spec/auth/token.md: GET realm?service=&scope= with basic auth)
// or, with an identity token, the OAuth2 refresh-token grant (docs/spec/auth/oauth.md: POST).
// Tokens are cached per registry and scope set until shortly before they expire. One
// Authorizer belongs to one RegistryClient: nothing here is shared between clients.
import type { Challenge } from './challenge.js';
import type { Credential, CredentialStore } from './credentials.js';
import { authFailed, describeErrorBody, protocolError, unreachable } from './errors.js';
import type { HttpRequest, HttpResponse } from './http.js';

export type Sender = (req: HttpRequest) => Promise<HttpResponse>;

interface CachedToken { header: string; expiresAt: number }

/** Token spec: "expires_in ... if omitted, 60 seconds should be assumed". */
const DEFAULT_TOKEN_SECONDS = 60;
/** Renew a little early so a token does not expire between our check and the registry's. */
const EXPIRY_MARGIN_MS = 10_000;

export function basicHeader(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

export class Authorizer {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();
  private readonly anonymous = new Set<string>();

  constructor(private readonly store: CredentialStore, private readonly send: Sender, private readonly now: () => number = Date.now) {}

  /** Records what the registry asked for (from the /v2/ ping or a 401). */
  setChallenge(host: string, challenge: Challenge): void {
    this.challenges.set(host, challenge);
  }

  hasChallenge(host: string): boolean {
    return this.challenges.has(host);
  }

  /** True when the last request to this host went without credentials because none are stored. */
  wasAnonymous(host: string): boolean {
    return this.anonymous.has(host);
  }

  credentialSource(host: string): string {
    return this.store.describe(host);
  }

  async credential(host: string): Promise<Credential | undefined> {
    return this.store.get(host);
  }

  /** Forgets a token the registry just refused, so the next header fetches a fresh one. */
  invalidate(host: string, scopes: string[]): void {
    this.tokens.delete(tokenKey(host, scopes));
  }

  /** The Authorization header for a request needing `scopes`, or undefined for anonymous. */
  async header(host: string, scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenges.get(host);
    if (!challenge) return undefined;
    const cred = await this.store.get(host);
    if (cred) this.anonymous.delete(host); else this.anonymous.add(host);
    if (challenge.scheme === 'basic') {
      return cred?.username !== undefined && cred.password !== undefined ? basicHeader(cred.username, cred.password) : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    if (cred?.registryToken) return `Bearer ${cred.registryToken}`;
    const key = tokenKey(host, scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.header;
    let p = this.pending.get(key);
    if (!p) {
      p = this.fetchToken(host, challenge, scopes, cred).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    const token = await p;
    this.tokens.set(key, token);
    return token.header;
  }

  private async fetchToken(host: string, challenge: Challenge, scopes: string[], cred: Credential | undefined): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw protocolError(host, 'the auth challenge', 401, 'Bearer challenge without a realm');
    let url: URL;
    try { url = new URL(realm); } catch { throw protocolError(host, 'the auth challenge', 401, `Bearer realm "${realm}" is not a URL`); }
    const service = challenge.params.service;
    let req: HttpRequest;
    if (cred?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.identityToken, client_id: 'fnkit' });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      req = { method: 'POST', url: url.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) };
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      if (cred?.username !== undefined && cred.password !== undefined) headers.authorization = basicHeader(cred.username, cred.password);
      req = { method: 'GET', url: url.toString(), headers };
    }
    let res: HttpResponse;
    try { res = await this.send(req); } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw unreachable(`${host}'s token server ${url.host}`, url.origin + url.pathname, e);
    }
    if (res.status === 401 || res.status === 403) {
      const what = cred ? `the credentials for ${scopes.join(' ') || 'access'} at its token server ${url.origin}` : `anonymous access to ${scopes.join(' ')} (no credentials are stored)`;
      throw authFailed(host, what, res.status, this.store.describe(host), res.body);
    }
    if (res.status !== 200) throw protocolError(host, `the token request to ${url.origin}${url.pathname}`, res.status, res.body);
    let body: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try { body = JSON.parse(res.body.toString()) as typeof body; } catch {
      throw protocolError(host, `the token request to ${url.origin}${url.pathname}`, res.status, `not JSON: ${describeErrorBody(res.body)}`);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw protocolError(host, `the token request to ${url.origin}${url.pathname}`, res.status, 'no "token" or "access_token" in the answer');
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    return { header: `Bearer ${token}`, expiresAt: this.now() + seconds * 1000 - EXPIRY_MARGIN_MS };
  }
}

function tokenKey(host: string, scopes: string[]): string {
  return `${host} ${[...scopes].sort().join(' ')}`;
}

/** Token spec scope grammar: `repository:<name>:<action>[,<action>]`. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}

/**
 * Union of scopes, one entry per resource with its actions merged and sorted, so
 * `repository:a:pull,push` plus `repository:a:pull` stays one scope (and one cached token).
 */
export function mergeScopes(...lists: string[][]): string[] {
  const byResource = new Map<string, Set<string>>();
  const order: string[] = [];
  for (const scope of lists.flat().flatMap((s) => s.split(' ')).filter(Boolean)) {
    const i = scope.lastIndexOf(':');
    const resource = i > 0 ? scope.slice(0, i) : scope;
    const actions = i > 0 ? scope.slice(i + 1).split(',').filter(Boolean) : [];
    if (!byResource.has(resource)) { byResource.set(resource, new Set()); order.push(resource); }
    for (const a of actions) byResource.get(resource)!.add(a);
  }
  return order.map((r) => {
    const actions = [...byResource.get(r)!].sort();
    return actions.length ? `${r}:${actions.join(',')}` : r;
  });
}
