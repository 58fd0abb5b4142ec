// Where registry credentials come from. The seam is CredentialStore; the default reads docker's
// config.json (auths, credHelpers, credsStore), the same file podman, skopeo and docker use.
export interface Credential {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker config `identitytoken`, or a helper's `<token>` user). */
  identityToken?: string;
  /** A bearer token to send as is (docker config `registrytoken`). */
  registryToken?: string;
}

export interface CredentialStore {
  /** Credentials for a registry host (`docker.io`, `localhost:5000`), or undefined for anonymous. */
  get(registry: string): Promise<Credential | undefined>;
  /** Where credentials are read from, for error messages: a file path, a helper name. */
  describe(registry: string): string;
}

/** A fixed map of host -> credential, for programs that hold credentials themselves (and tests). */
export class StaticCredentialStore implements CredentialStore {
  constructor(private readonly creds: Record<string, Credential>, private readonly source = 'the credentials passed to fnkit') {}
  async get(registry: string): Promise<Credential | undefined> { return this.creds[registry]; }
  describe(): string { return this.source; }
}
