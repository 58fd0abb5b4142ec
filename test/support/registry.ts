// A real OCI registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on a free
// loopback port with its own temporary storage, optionally with htpasswd basic auth or token
// auth. Each test file starts its own, so parallel suites never share state.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface TokenAuthConfig {
  /** URL of the token endpoint the registry sends clients to. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM file of the certificate(s) whose keys sign the tokens. */
  rootCertBundle: string;
}

export interface StartRegistryOptions {
  auth?: { user: string; password: string };
  tokenAuth?: TokenAuthConfig;
  /** Serve HTTPS with this PEM certificate and key instead of plain HTTP. */
  tls?: { certificate: string; key: string };
}

export interface TestRegistry {
  /** 127.0.0.1:PORT */
  host: string;
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  /** The registry's own log so far (for assertion messages). */
  log(): string;
  stop(): Promise<void>;
}

// Runs the registry and stops it when the test process that started it is gone, even if that
// process was killed without running any exit handler ($2 is its pid). SIGTERM to the shell
// stops the registry and waits for it.
const WATCHDOG = `
docker-registry serve "$1" & reg=$!
trap 'kill $reg 2>/dev/null; wait $reg; exit 0' TERM INT
while kill -0 "$2" 2>/dev/null && kill -0 $reg 2>/dev/null; do sleep 1 & wait $!; done
kill $reg 2>/dev/null
wait $reg
`;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function requireTool(name: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`test setup: "${name}" is not installed; apt-get install -y ${pkg} (see .ci/run)`);
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`docker-registry exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    const status = await new Promise<number>((resolve) => {
      const mod = url.startsWith('https:') ? https : http;
      const req = mod.get(`${url}/v2/`, { rejectUnauthorized: false, timeout: 1000 }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer ${url}/v2/ within ${timeoutMs} ms:\n${output()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => { clearTimeout(kill); resolve(); });
    child.kill('SIGTERM');
  });
}

export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  requireTool('docker-registry', 'docker-registry');
  const dir = await mkdtemp(join(tmpdir(), 'fnkit-registry-'));
  const dataDir = join(dir, 'data');
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: dataDir }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: '', secret: 'fnkit-test-secret' },
    health: { storagedriver: { enabled: false } },
  };
  if (opts.auth) {
    requireTool('htpasswd', 'apache2-utils');
    const r = spawnSync('htpasswd', ['-Bbn', opts.auth.user, opts.auth.password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`htpasswd failed: ${r.stderr}`);
    await writeFile(join(dir, 'htpasswd'), r.stdout);
    config.auth = { htpasswd: { realm: 'fnkit-test', path: join(dir, 'htpasswd') } };
  } else if (opts.tokenAuth) {
    const t = opts.tokenAuth;
    config.auth = { token: { realm: t.realm, service: t.service, issuer: t.issuer, rootcertbundle: t.rootCertBundle } };
  }
  if (opts.tls) (config.http as Record<string, unknown>).tls = { certificate: opts.tls.certificate, key: opts.tls.key };
  // A port found free can be taken by a parallel suite before the registry binds it: retry.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    (config.http as Record<string, unknown>).addr = host;
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, stringify(config));
    const child = spawn('sh', ['-c', WATCHDOG, 'fnkit-test-registry', configFile, String(process.pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (c: Buffer) => { out = (out + c.toString()).slice(-20_000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    // A test process that exits without stop() (a failed assertion in before()) takes the
    // registry with it; one killed outright is noticed by the watchdog within a second.
    const onExit = () => { child.kill('SIGTERM'); };
    process.once('exit', onExit);
    const url = `${opts.tls ? 'https' : 'http'}://${host}`;
    try {
      await waitReady(url, child, () => out, 15_000);
    } catch (e) {
      process.removeListener('exit', onExit);
      await stopChild(child);
      if (attempt < 3 && /address already in use/.test(out)) continue;
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      host,
      url,
      dataDir,
      log: () => out,
      async stop() {
        process.removeListener('exit', onExit);
        await stopChild(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
