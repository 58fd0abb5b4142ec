// The invoker's settings, read from the environment exactly once (invoker/main.ts) and passed
// down. Env wins over `defaults`, which the bundler bakes in from fn.yaml. A bad value is a
// FnkitError naming the variable, so the container logs one clear line and exits 1.
import { FnkitError } from '../src/errors.js';
import { parseBytes, parseDuration } from '../src/config/units.js';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
export type CeReplyMode = 'request' | 'binary' | 'structured';

export interface InvokerSettings {
  /** $PORT, Knative runtime contract: the port the container listens on (default 8080; 0 = any free port). */
  port: number;
  /** FN_HOST: 0.0.0.0 in containers, 127.0.0.1 under `fn run`. */
  host: string;
  service?: string;
  revision?: string;
  configuration?: string;
  logLevel: LogLevel;
  /** Per-request deadline; 504 and the AbortSignal fires when it passes. */
  timeoutMs: number;
  /** Largest accepted request body in bytes; larger bodies get 413. */
  bodyLimit: number;
  /** Prefix of the invoker's own endpoints ('' → /health/liveness, /metrics). */
  reservedPrefix: string;
  /** Development mode: error messages and stacks in 500 bodies. */
  dev: boolean;
  ceReplyMode: CeReplyMode;
  ceReplyType: string;
  ceReplySource: string;
  /** How long in-flight requests may run after SIGTERM before their signals fire. */
  graceMs: number;
  /**
   * Knative's sdk-go sends ce- header values without percent-encoding (specs/cloudevents.md §2.2),
   * so a literal "%zz" may arrive. When set, an undecodable value is kept raw instead of a 400.
   */
  ceLenientHeaders: boolean;
  /**
   * FN_YOUNG_GENERATION_CAP: cap V8's young generation once running (invoker/young-generation.ts),
   * as `--max-semi-space-size=4` does; off leaves V8's default (more memory under load).
   */
  youngGenerationCap: boolean;
}

export const DEFAULT_SETTINGS: InvokerSettings = {
  port: 8080,
  host: '0.0.0.0',
  logLevel: 'info',
  timeoutMs: 300_000,
  bodyLimit: 6 * 1024 * 1024,
  reservedPrefix: '',
  dev: false,
  ceReplyMode: 'request',
  ceReplyType: 'dev.fnkit.reply',
  ceReplySource: '/fnkit/function',
  graceMs: 30_000,
  ceLenientHeaders: false,
  youngGenerationCap: true,
};

const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const MODES: readonly CeReplyMode[] = ['request', 'binary', 'structured'];

function bad(name: string, value: string, expected: string): FnkitError {
  return new FnkitError('FN_ERR_INVOKER_ENV', `invalid ${name}=${JSON.stringify(value)}: expected ${expected}`, {
    hint: `fix or unset ${name}`,
    data: { variable: name, value },
  });
}

function flag(name: string, v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off|)$/i.test(v)) return false;
  throw bad(name, v, '1/true or 0/false');
}

export function normalizePrefix(name: string, v: string): string {
  const p = v.replace(/\/+$/, '');
  if (p !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(p)) throw bad(name, v, 'a path like /.fn or an empty string');
  return p;
}

/** Settings from `env` over `defaults` over the built-in defaults. Throws FN_ERR_INVOKER_ENV. */
export function readSettings(env: Record<string, string | undefined>, defaults: Partial<InvokerSettings> = {}): InvokerSettings {
  const s: InvokerSettings = { ...DEFAULT_SETTINGS, ...defaults };
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined ? undefined : v.trim();
  };
  let v: string | undefined;
  if ((v = get('PORT')) !== undefined && v !== '') {
    const n = Number(v);
    // 0 asks the OS for a free port (tests, `fn run` without --port); the bound port is logged.
    if (!/^\d+$/.test(v) || n > 65535) throw bad('PORT', v, 'a port number between 0 and 65535');
    s.port = n;
  }
  if ((v = get('FN_HOST'))) s.host = v;
  if ((v = get('K_SERVICE'))) s.service = v;
  if ((v = get('K_REVISION'))) s.revision = v;
  if ((v = get('K_CONFIGURATION'))) s.configuration = v;
  if ((v = get('LOG_LEVEL'))) {
    const l = v.toLowerCase() as LogLevel;
    if (!LEVELS.includes(l)) throw bad('LOG_LEVEL', v, `one of ${LEVELS.join(', ')}`);
    s.logLevel = l;
  }
  if ((v = get('FN_TIMEOUT'))) {
    try { s.timeoutMs = Math.round(parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v) * 1000); } catch (e) {
      throw bad('FN_TIMEOUT', v, `seconds or a duration like "30s" (${(e as Error).message})`);
    }
  }
  if ((v = get('FN_BODY_LIMIT'))) {
    try { s.bodyLimit = parseBytes(/^\d+$/.test(v) ? Number(v) : v); } catch (e) {
      throw bad('FN_BODY_LIMIT', v, `bytes or a size like "6mb" (${(e as Error).message})`);
    }
  }
  if ((v = get('FN_GRACE')) !== undefined && v !== '') {
    const n = Number(v);
    if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n)) throw bad('FN_GRACE', v, 'a number of seconds (0 or more)');
    s.graceMs = Math.round(n * 1000);
  }
  if ((v = get('FN_RESERVED_PREFIX')) !== undefined) s.reservedPrefix = normalizePrefix('FN_RESERVED_PREFIX', v);
  if ((v = get('FN_DEV')) !== undefined) s.dev = flag('FN_DEV', v);
  if ((v = get('FN_CE_LENIENT_HEADERS')) !== undefined) s.ceLenientHeaders = flag('FN_CE_LENIENT_HEADERS', v);
  if ((v = get('FN_YOUNG_GENERATION_CAP')) !== undefined) s.youngGenerationCap = flag('FN_YOUNG_GENERATION_CAP', v);
  if ((v = get('FN_CE_REPLY_MODE'))) {
    if (!MODES.includes(v as CeReplyMode)) throw bad('FN_CE_REPLY_MODE', v, `one of ${MODES.join(', ')}`);
    s.ceReplyMode = v as CeReplyMode;
  }
  if ((v = get('FN_CE_REPLY_TYPE'))) s.ceReplyType = v;
  if ((v = get('FN_CE_REPLY_SOURCE'))) s.ceReplySource = v;
  else if (!defaults.ceReplySource && s.service) s.ceReplySource = `/fnkit/${s.service}`;
  return s;
}
