// Runs every *.test.ts under the given folders (default: the whole tree but node_modules) with
// node's own test runner and tsx as the TypeScript loader. Node 20's runner has no glob support.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const skip = new Set(['node_modules', 'dist', '.git', '.fn']);

function walk(p, out) {
  const st = statSync(p);
  if (st.isFile()) { if (/\.test\.(ts|mts|js|mjs)$/.test(p)) out.push(p); return out; }
  for (const name of readdirSync(p).sort()) {
    if (skip.has(name)) continue;
    walk(join(p, name), out);
  }
  return out;
}

const files = (roots.length ? roots : ['invoker', 'runtimes', 'src', 'cli', 'test', 'examples']).flatMap((r) => {
  try { return walk(r, []); } catch { return []; }
});
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
