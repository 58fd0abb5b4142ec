// Credentials from docker's config.json, read the way docker's cli/config/configfile does:
// `credHelpers[host]` first, then `credsStore`, then `auths[host]`. Helpers follow the
// docker-credential-helpers protocol: `docker-credential-<name> get`, the server URL on stdin,
// `{"ServerURL","Username","Secret"}` on stdout; a Username of `<token>` means Secret is an
// identity (refresh) token. Podman's auth.json has the same `auths` shape and is read after.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FnkitError } from '../errors.js';
import type { Credential, CredentialStore } from './credentials.js';
import { DOCKER_HUB } from './reference.js';

interface AuthEntry { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }
interface ConfigFile { auths?: Record<string, AuthEntry>; credHelpers?: Record<string, string>; credsStore?: string }

export interface DockerConfigOptions {
  /** Folder holding config.json. Default: $DOCKER_CONFIG, else ~/.docker. */
  configDir?: string;
  /** Podman/skopeo auth file read after docker's. Default: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json. */
  containersAuthFile?: string | null;
  /** Environment for helper processes (PATH finds docker-credential-*); read once by the caller. */
  env?: NodeJS.ProcessEnv;
  /** Helper time limit; a keychain prompt left open should not hang a build forever. */
  helperTimeoutMs?: number;
}

// Docker Hub's credentials are stored under its v1 index URL (docker's registry.IndexServer).
const HUB_KEY = 'https://index.docker.io/v1/';
const HUB_NAMES = ['index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** docker's ConvertToHostname: drop the scheme and any path. */
export function hostOfKey(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0]!;
}

function namesFor(registry: string): string[] {
  return registry === DOCKER_HUB ? HUB_NAMES : [registry];
}

function decodeEntry(e: AuthEntry, file: string, key: string): Credential | undefined {
  const cred: Credential = {};
  if (e.auth) {
    const plain = Buffer.from(e.auth, 'base64').toString();
    const i = plain.indexOf(':');
    if (i < 0) {
      throw new FnkitError('FN_ERR_DOCKER_CONFIG', `The "auth" of "${key}" in ${file} is not base64 of "user:password".`, {
        hint: `Log in again (docker login ${hostOfKey(key)}) or fix the entry by hand.`, data: { file, key },
      });
    }
    cred.username = plain.slice(0, i);
    cred.password = plain.slice(i + 1);
  }
  if (e.username) cred.username = e.username;
  if (e.password) cred.password = e.password;
  if (e.identitytoken) cred.identityToken = e.identitytoken;
  if (e.registrytoken) cred.registryToken = e.registrytoken;
  return Object.keys(cred).length > 0 ? cred : undefined;
}

export class DockerConfigStore implements CredentialStore {
  readonly configFile: string;
  readonly containersAuthFile: string | null;
  private readonly env: NodeJS.ProcessEnv;
  private readonly helperTimeoutMs: number;
  private readonly memo = new Map<string, Promise<Credential | undefined>>();
  private readonly used = new Map<string, string>();

  constructor(opts: DockerConfigOptions = {}) {
    const env = opts.env ?? process.env;
    this.env = env;
    this.configFile = join(opts.configDir ?? env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker'), 'config.json');
    this.containersAuthFile = opts.containersAuthFile !== undefined ? opts.containersAuthFile
      : env.REGISTRY_AUTH_FILE ?? (env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'containers', 'auth.json') : null);
    this.helperTimeoutMs = opts.helperTimeoutMs ?? 30_000;
  }

  describe(registry: string): string {
    return this.used.get(registry) ?? (this.containersAuthFile ? `${this.configFile} (or ${this.containersAuthFile})` : this.configFile);
  }

  get(registry: string): Promise<Credential | undefined> {
    let p = this.memo.get(registry);
    if (!p) {
      p = this.lookup(registry);
      this.memo.set(registry, p);
    }
    return p;
  }

  private async lookup(registry: string): Promise<Credential | undefined> {
    const cfg = await readConfig(this.configFile);
    if (cfg) {
      const names = namesFor(registry);
      const helperKey = Object.keys(cfg.credHelpers ?? {}).find((k) => names.includes(hostOfKey(k)));
      if (helperKey) return this.fromHelper(cfg.credHelpers![helperKey]!, registry);
      if (cfg.credsStore) {
        const found = await this.fromHelper(cfg.credsStore, registry);
        if (found) return found;
      }
      const found = fromAuths(cfg, this.configFile, names);
      if (found) { this.used.set(registry, this.configFile); return found; }
    }
    if (this.containersAuthFile) {
      const podman = await readConfig(this.containersAuthFile);
      const found = podman && fromAuths(podman, this.containersAuthFile, namesFor(registry));
      if (found) { this.used.set(registry, this.containersAuthFile); return found; }
    }
    return undefined;
  }

  private async fromHelper(name: string, registry: string): Promise<Credential | undefined> {
    const program = `docker-credential-${name}`;
    this.used.set(registry, `the credential helper ${program} (named in ${this.configFile})`);
    const serverUrl = registry === DOCKER_HUB ? HUB_KEY : registry;
    const { code, stdout, stderr, error } = await runHelper(program, serverUrl, this.env, this.helperTimeoutMs);
    if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FnkitError('FN_ERR_CREDENTIAL_HELPER', `The credential helper ${program} named in ${this.configFile} is not on PATH.`, {
        hint: `Install ${program}, or remove "${name}" from credHelpers/credsStore in ${this.configFile}.`, data: { helper: program, registry },
      });
    }
    // docker-credential-helpers' ErrCredentialsNotFound: anonymous, as docker does.
    if (code !== 0 && /credentials not found/i.test(stdout + stderr)) return undefined;
    if (code !== 0) {
      throw new FnkitError('FN_ERR_CREDENTIAL_HELPER', `The credential helper ${program} failed for ${serverUrl} (exit ${code ?? 'signal'}): ${(stderr || stdout).trim() || String(error?.message ?? '')}.`, {
        hint: `Run "echo ${serverUrl} | ${program} get" to see the helper's own error, or log in again.`, data: { helper: program, registry },
      });
    }
    let out: { Username?: string; Secret?: string };
    try { out = JSON.parse(stdout) as typeof out; } catch {
      throw new FnkitError('FN_ERR_CREDENTIAL_HELPER', `The credential helper ${program} printed something that is not JSON for ${serverUrl}.`, {
        hint: 'A helper must print {"ServerURL":...,"Username":...,"Secret":...}; check the helper version.', data: { helper: program, registry },
      });
    }
    if (!out.Secret) return undefined;
    return out.Username === '<token>' ? { identityToken: out.Secret } : { username: out.Username ?? '', password: out.Secret };
  }
}

function fromAuths(cfg: ConfigFile, file: string, names: string[]): Credential | undefined {
  for (const [key, entry] of Object.entries(cfg.auths ?? {})) {
    if (names.includes(hostOfKey(key))) {
      const c = decodeEntry(entry ?? {}, file, key);
      if (c) return c;
    }
  }
  return undefined;
}

async function readConfig(file: string): Promise<ConfigFile | undefined> {
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new FnkitError('FN_ERR_DOCKER_CONFIG', `Could not read ${file}: ${(e as Error).message}.`, { hint: 'Fix its permissions, or point DOCKER_CONFIG at another folder.', data: { file } });
  }
  if (text.trim() === '') return undefined;
  try {
    const json = JSON.parse(text) as unknown;
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('not a JSON object');
    return json as ConfigFile;
  } catch (e) {
    throw new FnkitError('FN_ERR_DOCKER_CONFIG', `${file} is not valid JSON: ${(e as Error).message}.`, {
      hint: 'Fix the file (docker login rewrites it), or point DOCKER_CONFIG at another folder.', data: { file },
    });
  }
}

function runHelper(program: string, input: string, env: NodeJS.ProcessEnv, timeout: number) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; error?: Error }>((resolve) => {
    const child = execFile(program, ['get'], { env, timeout, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: unknown }).code === 'ENOENT' ? null : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), error: error ?? undefined });
    });
    child.stdin?.on('error', () => { /* helper exited before reading: its exit status says why */ });
    child.stdin?.end(input);
  });
}
