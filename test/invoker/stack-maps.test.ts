// Production runs plain `node` (no --enable-source-maps, which costs start-up time); the invoker's
// lazy Error.prepareStackTrace must still put the user's .ts file and line into logged stacks.
// Built with the image's own two-part layout (runtime in ./fnkit/, the function in main.cjs or main.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { functionBundle, runtimeBundle, ENTRY } from '../../src/build/image-bundle.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { lazySourceMapPrepare } from '../../invoker/stack-maps.js';

function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => r(port));
    });
  });
}

test('a production error logged by the image entry names the handler .ts file and line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fn-stackmap-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const src = join(dir, 'src');
  const app = join(dir, 'app');
  await mkdir(src);
  await writeFile(join(src, 'fn.yaml'), 'name: boom\nruntime: node\nhandler: index.ts\n');
  await writeFile(join(src, 'index.ts'), [
    'type Req = { path: string };',
    'function explode(where: string): never {',
    "  throw new Error(`kaboom at ${where}`);",
    '}',
    'export default (req: Req) => explode(req.path);',
    '',
  ].join('\n'));
  const spec = await loadFunction(src);
  await runtimeBundle(spec, app);
  const fn = await functionBundle(spec, app);

  const port = await freePort();
  const child = spawn(process.execPath, [join(app, fn.entry ?? ENTRY)], {
    env: { ...process.env, PORT: String(port), FN_HOST: '127.0.0.1', NODE_ENV: 'production', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  t.after(() => child.kill('SIGKILL'));
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/readiness`).then((r) => r.ok, () => false);
    if (ok) break;
    assert.ok(i < 400 && child.exitCode === null, `the function did not become ready: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const res = await fetch(`http://127.0.0.1:${port}/here`);
  assert.equal(res.status, 500);
  const body = await res.json() as { error: string; stack?: string };
  assert.equal(body.stack, undefined, 'no stack leaves the process in production');
  let logged: { err?: { stack?: string } } | undefined;
  for (let i = 0; i < 200 && !logged; i++) {
    logged = out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'handler failed');
    if (!logged) await new Promise((r) => setTimeout(r, 10));
  }
  const stack = logged?.err?.stack ?? '';
  assert.match(stack, /^Error: kaboom at \/here\n/);
  const frames = stack.split('\n').slice(1);
  assert.match(frames[0]!, new RegExp(`${join(src, 'index.ts').replace(/[.]/g, '\\.')}:3:9\\)$`), stack);
  assert.match(frames[1]!, /index\.ts:5:\d+\)$/, stack);
  assert.ok(frames.some((f) => /invoker\/server\.ts:\d+:\d+\)$/.test(f)), `runtime frames are mapped through ./fnkit/*.mjs.map too:\n${stack}`);
  assert.ok(!/main\.[cm]js:/.test(stack), stack);
});

test('frames without a map keep V8 format; a map is read once per file, and only when a stack is formatted', () => {
  const reads = [] as string[];
  const prepare = lazySourceMapPrepare((file) => { reads.push(file); return undefined; });
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = prepare;
  try {
    const e1 = new Error('one');
    const e2 = new TypeError('two');
    assert.equal(reads.length, 0, 'nothing is read before a stack is formatted');
    const s1 = e1.stack!;
    const s2 = e2.stack!;
    assert.match(s1, /^Error: one\n    at /);
    assert.match(s2, /^TypeError: two\n    at /);
    assert.match(s1, /stack-maps\.test\.ts:\d+:\d+\)?\n/);
    assert.equal(reads.filter((f) => f.endsWith('stack-maps.test.ts.map')).length, 1, `read once: ${reads.join(', ')}`);
    assert.ok(reads.every((f) => !f.includes('node:')), 'built-in frames never trigger a read');
  } finally {
    Error.prepareStackTrace = previous;
  }
});
