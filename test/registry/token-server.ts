// A token server test double for the distribution token spec (docs/spec/auth/token.md and
// oauth.md), faithful enough for a REAL docker-registry configured with `auth: token` to accept
// its tokens: ES256 JWTs whose x5c header carries a self-signed certificate that is also the
// registry's rootcertbundle (distribution's registry/auth/token verifies the chain, iss, aud,
// nbf/exp and the signature). No token server ships in Debian, hence this double.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenRequestSeen { method: string; user?: string; grant?: string; scopes: string[]; service?: string; status: number }

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate to configure as the registry's rootcertbundle. */
  certFile: string;
  requests: TokenRequestSeen[];
  /** A token for `access` signed by a key the registry does not trust (same x5c header). */
  forge(user: string, access: Access[]): string;
  close(): Promise<void>;
}

export interface TokenServerOptions {
  users: Record<string, string>;
  /** Identity (refresh) tokens, each standing for a user. */
  refreshTokens?: Record<string, string>;
  /** Seconds a token lives; the spec's minimum is 60. */
  expiresIn?: number;
  /** The first N tokens are already expired inside (exp in the past) while expires_in says otherwise. */
  expiredFirst?: number;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface Access { type: string; name: string; actions: string[] }

/** scope = resourcetype:resourcename:action[,action] (token spec "Requesting a Token"). */
function parseScopes(scopes: string[]): Access[] {
  const out: Access[] = [];
  for (const s of scopes.flatMap((x) => x.split(' ')).filter(Boolean)) {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    if (first < 0 || last === first) continue;
    out.push({ type: s.slice(0, first), name: s.slice(first + 1, last), actions: s.slice(last + 1).split(',') });
  }
  return out;
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-token-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=fnkit-test-token-issuer'], { stdio: 'pipe' });
  const key = createPrivateKey(await readFile(keyFile, 'utf8'));
  const certDer = Buffer.from((await readFile(certFile, 'utf8')).replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const service = 'fnkit-test-registry';
  const issuer = 'fnkit-test-issuer';
  const expiresIn = opts.expiresIn ?? 300;
  const requests: TokenRequestSeen[] = [];

  let expiredLeft = opts.expiredFirst ?? 0;
  const issue = (user: string | undefined, access: Access[], signingKey: KeyObject = key) => {
    const now = Math.floor(Date.now() / 1000);
    const stale = expiredLeft > 0 && signingKey === key;
    if (stale) expiredLeft--;
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certDer.toString('base64')] };
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: stale ? now - 600 : now + expiresIn, nbf: now - 1200, iat: now, jti: randomBytes(8).toString('hex'), access };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    // JWS ES256 wants the raw r||s signature (RFC 7518 3.4), not DER.
    const sig = sign('sha256', Buffer.from(signingInput), { key: signingKey, dsaEncoding: 'ieee-p1363' });
    return `${signingInput}.${b64url(sig)}`;
  };

  // Policy: a known user gets what it asks for; anonymous gets nothing (the registry then refuses).
  const grant = (user: string | undefined, asked: Access[]) => (user ? asked : []);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      const seen: TokenRequestSeen = { method: req.method!, scopes: [], status: 200 };
      requests.push(seen);
      const reply = (status: number, body: unknown) => {
        seen.status = status;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname !== '/token') return reply(404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
      let user: string | undefined;
      if (req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        seen.grant = form.get('grant_type') ?? undefined;
        seen.service = form.get('service') ?? undefined;
        seen.scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        const owner = opts.refreshTokens?.[form.get('refresh_token') ?? ''];
        if (seen.grant !== 'refresh_token' || !owner) return reply(401, { error: 'invalid_grant' });
        user = owner;
      } else {
        seen.service = url.searchParams.get('service') ?? undefined;
        seen.scopes = url.searchParams.getAll('scope');
        const auth = req.headers.authorization;
        if (auth) {
          const plain = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString();
          const i = plain.indexOf(':');
          const [u, p] = [plain.slice(0, i), plain.slice(i + 1)];
          if (!auth.startsWith('Basic ') || opts.users[u] !== p) return reply(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad user name or password' }] });
          user = u;
        }
      }
      seen.user = user;
      if (seen.service !== service) return reply(400, { errors: [{ code: 'INVALID', message: `unknown service ${seen.service}` }] });
      const token = issue(user, grant(user, parseScopes(seen.scopes)));
      const body: Record<string, unknown> = { token, expires_in: expiresIn, issued_at: new Date().toISOString() };
      if (req.method === 'POST') body.access_token = token;
      reply(200, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile,
    requests,
    forge: (user, access) => issue(user, access, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
