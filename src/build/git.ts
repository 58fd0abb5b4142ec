// Provenance labels from git: which commit the function's sources come from and where they live.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface GitFacts { revision?: string; source?: string }

/**
 * The last commit that touched the function folder (not HEAD: an unrelated commit elsewhere in
 * the repository must not change the digest and roll a new Knative revision), and the origin
 * URL without credentials.
 */
export async function gitFacts(dir: string): Promise<GitFacts> {
  const run = promisify(execFile);
  const out: GitFacts = {};
  try {
    const rev = (await run('git', ['-C', dir, 'log', '-1', '--format=%H', '--', '.'], { timeout: 5000 })).stdout.trim();
    if (/^[0-9a-f]{40,64}$/.test(rev)) out.revision = rev;
    const url = (await run('git', ['-C', dir, 'config', '--get', 'remote.origin.url'], { timeout: 5000 })).stdout.trim();
    if (url) out.source = publicUrl(url);
  } catch {
    // not a git checkout, or no origin: the labels are simply left out
  }
  return out;
}

/** git@host:o/r.git -> https://host/o/r; https://user:token@host/... -> https://host/... */
export function publicUrl(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(\.git)?$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\.git$/, '');
  } catch {
    return url;
  }
}
