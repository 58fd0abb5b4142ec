// Where `fn invoke` sends the request: --url, else the function `fn run` started in a folder
// (its <dir>/.fn/run.json), else a deployed function by name (its Knative Service URL).
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FnkitError } from '../errors.js';
import { DNS1123_LABEL } from '../config/fn-yaml.js';
import { readRunState } from './run-state.js';

export interface TargetOptions {
  arg?: string;
  url?: string;
  namespace?: string;
  context?: string;
  cwd: string;
  signal?: AbortSignal;
}

export interface Target {
  url: string;
  source: 'url' | 'run' | 'deployed';
}

export async function resolveTarget(opts: TargetOptions): Promise<Target> {
  if (opts.url !== undefined) return { url: checkUrl(opts.url), source: 'url' };
  const arg = opts.arg ?? '.';
  const dir = resolve(opts.cwd, arg);
  const st = await stat(dir).catch(() => undefined);
  if (st?.isDirectory()) {
    const state = await readRunState(dir);
    if (!state) {
      throw new FnkitError('FN_ERR_NOT_RUNNING', `no running function found in ${dir}: start it with \`fn run\``, {
        hint: `run \`${arg === '.' ? 'fn run' : `fn run ${arg}`}\` in another terminal, or pass the URL of a running function`,
        data: { dir },
      });
    }
    return { url: state.url, source: 'run' };
  }
  if (!DNS1123_LABEL.test(arg) || arg.length > 63) {
    throw new FnkitError('FN_ERR_NO_TARGET', `"${arg}" is neither a folder nor a function name`, {
      hint: 'pass a function folder that `fn run` serves, the name of a deployed function, or a URL',
      data: { arg },
    });
  }
  const { resolveDeployedUrl } = await import('../deploy/url.js');
  return { url: checkUrl(await resolveDeployedUrl(arg, { namespace: opts.namespace, context: opts.context, signal: opts.signal })), source: 'deployed' };
}

export function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FnkitError('FN_ERR_BAD_URL', `invalid URL "${url}": expected http://host[:port][/path]`, { data: { url, exitCode: 2 } });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new FnkitError('FN_ERR_BAD_URL', `invalid URL "${url}": only http and https are supported`, { data: { url, exitCode: 2 } });
  }
  return url;
}

/** Joins a base URL (maybe with its own path) and a request path with query. */
export function joinUrl(base: string, path: string): string {
  const u = new URL(base);
  const basePath = u.pathname.replace(/\/+$/, '');
  const [p, q] = path.split(/\?(.*)/s, 2) as [string, string | undefined];
  u.pathname = basePath + (p.startsWith('/') ? p : `/${p}`);
  u.search = q !== undefined ? `?${q}` : u.search;
  return u.toString();
}
