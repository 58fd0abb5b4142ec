// The fn build benchmark (issue 4). For examples/hello-ts, with the base image cached: wall time
// of `fn build` (the real CLI, node startup included) to an OCI layout and to a local registry
// (Debian's docker-registry, started here), after a one-line source edit (esbuild runs) and with
// no change (the bundle memo answers); and the size of the function's own layer (gzip) beside a
// `npm ci --omit=dev` node_modules layer of an equivalent fastify deployment (fastify 5 +
// cloudevents, what fnkit's bundle holds). Runs are interleaved; the median is reported.
//
// Knobs: BENCH_QUICK=1 (3 runs instead of 7), BENCH_BUILD_RUNS.
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { register } from 'tsx/esm/api';
import { parse, stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? (process.env.BENCH_QUICK === '1' ? 3 : 7));
const log = (...a) => console.error('[bench:build]', ...a);
const TARGETS = { warmMs: 1000, noChangeMs: 500, layerBytes: 100 * 1024 };

register();
const { startRegistry } = await import('../../test/support/registry.ts');
const { ensureTestBaseImage } = await import('../../test/support/base-image.ts');
const { makeLayer } = await import('../../src/build/layer.ts');

if (!existsSync(join(root, 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });

const tmp = mkdtempSync(join(tmpdir(), 'fnkit-bench-build-'));
const reg = await startRegistry();
try {
  const base = await ensureTestBaseImage(reg.host);
  // pinned by digest: resolving the base then needs no request at all
  const baseRef = `${base.reference.replace(/:[^:/]+$/, '')}@${base.digest}`;
  const example = join(root, 'examples', 'hello-ts');
  const fnDir = join(tmp, 'hello-ts');
  cpSync(example, fnDir, { recursive: true, filter: (p) => !p.includes('node_modules') && !p.includes('/.fn') });
  const yaml = parse(readFileSync(join(fnDir, 'fn.yaml'), 'utf8'));
  yaml.build = { ...(yaml.build ?? {}), base: baseRef };
  writeFileSync(join(fnDir, 'fn.yaml'), stringify(yaml));
  const source = readFileSync(join(fnDir, yaml.handler ?? 'index.ts'), 'utf8');
  const env = { ...process.env, XDG_CACHE_HOME: join(tmp, 'cache') };

  function fnBuild(args) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'fn.js'), 'build', fnDir, '-o', 'json', ...args], { env, encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`fn build ${args.join(' ')} failed:\n${r.stderr}`);
    return { ms, result: JSON.parse(r.stdout) };
  }
  let edits = 0;
  const edit = () => writeFileSync(join(fnDir, yaml.handler ?? 'index.ts'), `${source}\nexport const benchEdit${++edits} = ${edits};\n`);
  const layout = () => ['--layout', join(tmp, 'oci')];
  const registry = () => ['--image', `${reg.host}/bench/hello-ts:latest`, '--push'];

  log('warming the caches (base blobs, first push)');
  fnBuild([...layout()]);
  fnBuild([...registry()]);

  const times = { layoutWarm: [], registryWarm: [], layoutNoChange: [], registryNoChange: [], nodeFloor: [], cliFloor: [] };
  const inProcess = { layoutWarm: [], registryWarm: [], layoutNoChange: [], registryNoChange: [] };
  // floors measured in the same rounds: a bare node start, and `fn --help` (node + the CLI's own loading)
  const floor = (args) => { const t0 = performance.now(); spawnSync(process.execPath, args, { env, stdio: 'ignore' }); return performance.now() - t0; };
  let fnLayer;
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ['layout', 'registry'] : ['registry', 'layout'];
    for (const target of order) {
      const args = target === 'layout' ? layout() : registry();
      edit();
      const warm = fnBuild(args);
      const same = fnBuild(args);
      // fnkit's own sources may change under a bench run in a live checkout; the function's layer must not
      if (same.result.layers.at(-1).digest !== warm.result.layers.at(-1).digest) throw new Error('a no-change rebuild changed the function layer');
      if (same.result.digest !== warm.result.digest) log('note: fnkit runtime sources changed during the run (digest moved)');
      times[`${target}Warm`].push(warm.ms);
      times[`${target}NoChange`].push(same.ms);
      inProcess[`${target}Warm`].push(warm.result.durationMs);
      inProcess[`${target}NoChange`].push(same.result.durationMs);
      fnLayer = warm.result.layers.at(-1);
    }
    times.nodeFloor.push(floor(['-e', '0']));
    times.cliFloor.push(floor([join(root, 'bin', 'fn.js'), '--help']));
    log(`round ${i + 1}/${RUNS} done`);
  }

  // what a conventional deployment ships instead: node_modules from `npm ci --omit=dev`
  let depsLayerBytes;
  let depsNote = 'fastify@5 + cloudevents@10, npm ci --omit=dev, as one reproducible gzip layer';
  try {
    const proj = join(tmp, 'conventional');
    mkdirSync(proj);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'conventional', version: '1.0.0', private: true, dependencies: { fastify: pkg.dependencies.fastify, cloudevents: pkg.dependencies.cloudevents } }));
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: proj, stdio: 'ignore' });
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: proj, stdio: 'ignore' });
    const files = execFileSync('find', ['node_modules', '-type', 'f'], { cwd: proj, encoding: 'utf8' }).split('\n').filter(Boolean);
    const layer = makeLayer(files.map((f) => ({ path: `app/${f}`, type: 'file', data: readFileSync(join(proj, f)) })), 0, 'node_modules');
    depsLayerBytes = layer.size;
  } catch (err) {
    depsNote = `npm registry unreachable: ${String(err.message).split('\n')[0]}`;
  }

  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  const ip = Object.fromEntries(Object.entries(inProcess).map(([k, v]) => [k, median(v)]));
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;
  const ms = (v) => `${v.toFixed(0)} ms`;
  const rows = [
    ['warm build → OCI layout (source edited)', ms(m.layoutWarm), ms(ip.layoutWarm), '< 1000 ms', verdict(m.layoutWarm < TARGETS.warmMs)],
    ['warm build → local registry (source edited)', ms(m.registryWarm), ms(ip.registryWarm), '< 1000 ms', verdict(m.registryWarm < TARGETS.warmMs)],
    ['no-change rebuild → OCI layout', ms(m.layoutNoChange), ms(ip.layoutNoChange), '< 500 ms', verdict(m.layoutNoChange < TARGETS.noChangeMs)],
    ['no-change rebuild → local registry', ms(m.registryNoChange), ms(ip.registryNoChange), '< 500 ms', verdict(m.registryNoChange < TARGETS.noChangeMs)],
    ['floor: `node -e 0`', ms(m.nodeFloor), '', '', ''],
    ['floor: `fn --help` (node + CLI loading)', ms(m.cliFloor), '', '', ''],
    ['hello-ts function layer (gzip, entry + source map)', kb(fnLayer.size), '', '< 100 KiB', verdict(fnLayer.size < TARGETS.layerBytes)],
    ['conventional node_modules layer (gzip)', depsLayerBytes ? kb(depsLayerBytes) : 'n/a', '', depsNote, depsLayerBytes ? `${(depsLayerBytes / fnLayer.size).toFixed(0)}x ours` : ''],
  ];
  const table = [
    `### fn build (examples/hello-ts, base cached, median of ${RUNS}; load average ${load} on ${(await import('node:os')).cpus().length} cores)`,
    '',
    '| measure | wall (CLI, node start incl.) | in-process build | target | verdict |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  console.log(table);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'build.json'), JSON.stringify({
    date: new Date().toISOString(), node: process.version, runs: RUNS, loadAverage: Number(load), medianMs: m, inProcessMedianMs: ip, samplesMs: times,
    functionLayerBytes: fnLayer.size, conventionalLayerBytes: depsLayerBytes ?? null, conventionalNote: depsNote,
    targets: TARGETS,
  }, null, 2) + '\n');
} finally {
  await reg.stop();
  rmSync(tmp, { recursive: true, force: true });
}
