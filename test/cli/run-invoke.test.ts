// fn run serves examples on real ports; fn invoke finds them through .fn/run.json and calls them
// over HTTP and as CloudEvents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { exampleCopy, FN, fn, fnRun, waitFor } from './helpers.js';
import { isAlive } from '../../src/invoke/run-state.js';

test('hello-ts: fn run, fn invoke over HTTP (body, -v, -o json, stdin), Ctrl-C stops cleanly', async (t) => {
  const dir = await exampleCopy(t, 'hello-ts');
  const run = await fnRun(t, dir);
  assert.match(run.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const state = JSON.parse(await readFile(join(dir, '.fn', 'run.json'), 'utf8'));
  assert.equal(state.url, run.url);
  assert.equal(state.name, 'hello-ts');

  const plain = await fn(['invoke', dir, '--path', '/?name=Ada']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), { message: 'Hello, Ada!' });

  const verbose = await fn(['invoke', '-v', '-p', '/x?name=Bo'], { cwd: dir });
  assert.equal(verbose.code, 0);
  assert.match(verbose.stderr, /^GET http:\/\/127\.0\.0\.1:\d+\/x\?name=Bo$/m);
  assert.match(verbose.stderr, /^< 200 OK$/m);
  assert.match(verbose.stderr, /^< content-type: application\/json/m);
  assert.deepEqual(JSON.parse(verbose.stdout), { message: 'Hello, Bo!' });

  const json = await fn(['invoke', dir, '-o', 'json', '-X', 'POST', '-d', '{"ignored":true}']);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.status, 200);
  assert.deepEqual(doc.body, { message: 'Hello, world!' });
  assert.equal(doc.event, null);
  assert.match(doc.headers['content-type'], /^application\/json/);

  // a request through --url reaches the same process
  const byUrl = await fn(['invoke', '--url', run.url, '-p', '/?name=Url']);
  assert.deepEqual(JSON.parse(byUrl.stdout), { message: 'Hello, Url!' });

  // Ctrl-C: exit 0, run-state file gone, port closed
  assert.equal(await run.stop(), 0, run.stderr());
  await assert.rejects(access(join(dir, '.fn', 'run.json')));
  await assert.rejects(fetch(run.url), 'the invoker child must be gone');
  const after = await fn(['invoke', dir]);
  assert.equal(after.code, 1);
  assert.match(after.stderr, new RegExp(`no running function found in ${dir}: start it with \`fn run\``));
});

test('json-echo: bodies from --data, --file, stdin; exit 3 on a 4xx', async (t) => {
  const dir = await exampleCopy(t, 'json-echo');
  await fnRun(t, dir);
  const data = await fn(['invoke', dir, '-d', '{"a":[1,2]}', '-p', '/p?q=1']);
  assert.deepEqual(JSON.parse(data.stdout), { method: 'POST', path: '/p', query: { q: '1' }, echo: { a: [1, 2] } });
  const file = await fn(['invoke', dir, '-f', join(dir, 'fn.yaml'), '-t', 'application/json', '-X', 'PUT']);
  assert.equal(file.code, 3, 'fn.yaml is not JSON: 400');
  assert.match(file.stderr, /the function answered 400/);
  const stdin = await fn(['invoke', dir, '--file', '-', '-t', 'application/json'], { input: '{"from":"stdin"}' });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.deepEqual(JSON.parse(stdin.stdout).echo, { from: 'stdin' });
  // a shell pipe is read without --file -
  const piped = await new Promise<string>((resolvePipe, reject) => {
    execFile('sh', ['-c', `printf '{"piped":1}' | "${process.execPath}" "${FN}" invoke "${dir}"`], (err, stdout) => (err ? reject(err) : resolvePipe(stdout)));
  });
  assert.deepEqual(JSON.parse(piped).echo, { piped: 1 });
  const text = await fn(['invoke', dir, '-d', 'not json']);
  assert.equal(text.code, 3);
  assert.match(text.stdout, /expected a JSON body/);
  const header = await fn(['invoke', dir, '-d', '{}', '-H', 'X-Trace: abc', '-v']);
  assert.match(header.stderr, /^< x-echo: json-echo$/m);
});

test('cloudevent: binary and structured events get the reply event printed; -o json has it too', async (t) => {
  const dir = await exampleCopy(t, 'cloudevent');
  await fnRun(t, dir);
  for (const mode of ['binary', 'structured']) {
    const res = await fn(['invoke', dir, '--cloudevent', '--type', 'com.example.order.created', '--source', '/shop', '--id', 'e-1', '--mode', mode, '-d', '{"id":"o-1","items":3}']);
    assert.equal(res.code, 0, res.stderr);
    const event = JSON.parse(res.stdout);
    assert.equal(event.type, 'com.example.order.accepted', mode);
    assert.equal(event.source, '/examples/cloudevent', mode);
    assert.equal(event.specversion, '1.0', mode);
    assert.deepEqual(event.data, { orderId: 'o-1', items: 3, acceptedFrom: '/shop' }, mode);
  }
  const json = await fn(['invoke', dir, '--cloudevent', '--type', 'com.example.order.created', '-d', '{"id":"o-2"}', '-o', 'json']);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.status, 200);
  assert.equal(doc.event.type, 'com.example.order.accepted');
  assert.equal(doc.sent.event.type, 'com.example.order.created');
  const ping = await fn(['invoke', dir, '--cloudevent', '--type', 'com.example.ping', '-v']);
  assert.equal(ping.code, 0);
  assert.match(ping.stderr, /^< 202 Accepted$/m);
  assert.equal(ping.stdout, '');
  const bad = await fn(['invoke', dir, '--cloudevent', '--type', 'com.example.order.created', '-d', '{"items":1}']);
  assert.equal(bad.code, 3);
  const plain = await fn(['invoke', dir, '-d', '{"id":"x"}']);
  assert.equal(plain.code, 3, 'a plain HTTP request is a 400');
});

test('hono-app and sse-stream: a fetch app with a 404 (exit 3), events streamed to stdout', async (t) => {
  const hono = await exampleCopy(t, 'hono-app');
  const sse = await exampleCopy(t, 'sse-stream');
  await Promise.all([fnRun(t, hono), fnRun(t, sse)]);
  const hello = await fn(['invoke', hono, '-p', '/hello/Ada']);
  assert.deepEqual(JSON.parse(hello.stdout), { message: 'Hello, Ada!' });
  const echo = await fn(['invoke', hono, '-p', '/echo', '-d', '{"n":2}', '-o', 'json']);
  assert.equal(JSON.parse(echo.stdout).status, 201);
  const missing = await fn(['invoke', hono, '-p', '/nope']);
  assert.equal(missing.code, 3);
  assert.deepEqual(JSON.parse(missing.stdout), { error: 'no route for GET /nope' });
  const stream = await fn(['invoke', sse, '-p', '/?count=3&interval=10']);
  assert.equal(stream.code, 0);
  assert.deepEqual([...stream.stdout.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]), ['tick', 'tick', 'tick', 'done']);
  // live: the first event reaches fn invoke's stdout long before the stream ends
  const live = await new Promise<{ first: number; end: number }>((resolveLive) => {
    const t0 = performance.now();
    let first = -1;
    const child = spawn(process.execPath, [FN, 'invoke', sse, '-p', '/?count=2&interval=700'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => (first = performance.now() - t0));
    child.on('close', () => resolveLive({ first, end: performance.now() - t0 }));
  });
  assert.ok(live.first >= 0 && live.end - live.first >= 500, `first chunk at ${live.first} ms, end at ${live.end} ms`);
  // `fn invoke | head`: the reader leaving ends fn invoke quietly, long before the stream would
  const headed = await new Promise<{ out: string; err: string; ms: number }>((resolveHead, reject) => {
    const t0 = performance.now();
    execFile('bash', ['-c', `"${process.execPath}" "${FN}" invoke "${sse}" -p '/?count=100&interval=100' | head -2; echo "fn=\${PIPESTATUS[0]}"`], (err, out, errOut) =>
      err ? reject(err) : resolveHead({ out, err: errOut, ms: performance.now() - t0 }));
  });
  assert.match(headed.out, /^event: tick\nid: 1\nfn=0\n$/);
  assert.doesNotMatch(headed.err, /EPIPE|Error/);
  assert.ok(headed.ms < 8000, `took ${headed.ms} ms; the stream would have taken 10 s`);
});

test('if fn run is killed outright, its invoker does not linger', async (t) => {
  const dir = await exampleCopy(t, 'hello-ts');
  const run = await fnRun(t, dir, ['--watch']);
  const state = JSON.parse(await readFile(join(dir, '.fn', 'run.json'), 'utf8'));
  assert.ok(isAlive(state.childPid));
  run.proc.kill('SIGKILL');
  // the IPC channel closes with its parent; the child drains and exits on its own
  await waitFor(async () => (isAlive(state.childPid) ? undefined : true), 15_000, 50);
  await assert.rejects(fetch(run.url));
});
