// `npm run bench`: runs every bench/suites/*.mjs in name order, each as its own node process
// (a suite prints a Markdown table on stdout and writes bench/results/<suite>.json), then prints
// all the tables together. Suites read their knobs from the environment (BENCH_QUICK=1 for a
// short run); a failing suite is reported and the others still run.
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const suites = readdirSync(join(here, 'suites')).filter((f) => f.endsWith('.mjs')).sort()
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, '')));
if (suites.length === 0) { console.error(`no suites${only.length ? ` named ${only.join(', ')}` : ''} in bench/suites`); process.exit(1); }

const tables = [];
let failed = 0;
for (const suite of suites) {
  const name = suite.replace(/\.mjs$/, '');
  console.error(`\n== bench suite ${name} ==`);
  const t0 = Date.now();
  const out = await new Promise((resolve) => {
    let text = '';
    const p = spawn(process.execPath, [join(here, 'suites', suite)], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
    p.on('exit', (code) => resolve({ code, text }));
  });
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (out.code !== 0) { failed++; tables.push(`### ${name}\n\nsuite failed (exit ${out.code}) after ${secs}s\n`); continue; }
  tables.push(out.text.trim() + `\n\n(${name}: ${secs}s)\n`);
}
console.log('\n# Benchmark results\n');
console.log(tables.join('\n'));
process.exit(failed ? 1 : 0);
