// Every CLI error: the exit code, the message and that nothing was left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleCopy, fn, fnRun, tempDir, waitFor } from './helpers.js';

async function fnDir(t: Parameters<typeof tempDir>[0], files: Record<string, string>): Promise<string> {
  const dir = await tempDir(t, 'fn-err-');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

test('missing and invalid fn.yaml: run, test, name the file and field', async (t) => {
  const empty = await tempDir(t);
  for (const cmd of ['run', 'test']) {
    const res = await fn([cmd, empty]);
    assert.equal(res.code, 1, cmd);
    assert.match(res.stderr, new RegExp(`no fn\\.yaml in ${empty} \\[FN_ERR_NO_FN_YAML\\]`), cmd);
    assert.match(res.stderr, /fn create <name>/, cmd);
  }
  const bad = await fnDir(t, { 'fn.yaml': 'name: ok\nruntime: python\nport: 1\n', 'index.ts': 'export default () => 1' });
  const res = await fn(['run', bad, '--port', '0']);
  assert.equal(res.code, 1);
  assert.match(res.stderr, new RegExp(`${join(bad, 'fn.yaml')}: .*field "runtime" must be one of "node", "lambda"`));
  assert.match(res.stderr, /unknown field "port"/);
  const syntax = await fnDir(t, { 'fn.yaml': 'name: [x\n' });
  assert.match((await fn(['run', syntax])).stderr, /YAML syntax error/);
});

test('fn run: bad flags are usage errors (exit 2)', async (t) => {
  const dir = await exampleCopy(t, 'hello-ts');
  for (const [args, message] of [
    [['--port', 'abc'], /invalid port "abc": expected a whole number from 0 to 65535/],
    [['--port', '70000'], /invalid port "70000"/],
    [['--env', 'NOEQUALS'], /invalid --env "NOEQUALS": expected NAME=value/],
    [['--env', '1X=y'], /invalid --env "1X=y"/],
    [['--watch', '--container'], /--watch and --container cannot be combined/],
    [['--bogus'], /unknown option '--bogus'/],
  ] as const) {
    const res = await fn(['run', dir, ...args]);
    assert.equal(res.code, 2, args.join(' '));
    assert.match(res.stderr, message, args.join(' '));
  }
});

test('fn run: port in use, and already running', async (t) => {
  const dir = await exampleCopy(t, 'hello-ts');
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const port = (blocker.address() as { port: number }).port;
  const busy = await fn(['run', dir, '--port', String(port)]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use \\[FN_ERR_PORT_IN_USE\\]`));
  assert.match(busy.stderr, /0 for any free port/);

  const run = await fnRun(t, dir);
  const again = await fn(['run', dir, '--port', '0']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, new RegExp(`function "hello-ts" is already running at ${run.url.replace(/\./g, '\\.')}`));
  // the failed second run must not have removed the first one's state
  assert.equal((await fn(['invoke', dir])).code, 0);
});

test('fn run: a missing handler file, a syntax error, and a handler that throws while loading', async (t) => {
  const missing = await fnDir(t, { 'fn.yaml': 'name: nohandler\nhandler: src/main.ts\n' });
  const m = await fn(['run', missing, '--port', '0']);
  assert.equal(m.code, 1);
  assert.match(m.stderr, /the handler file .*src\/main\.ts \(fn\.yaml field "handler": "src\/main\.ts"\) does not exist \[FN_ERR_NO_HANDLER_FILE\]/);

  const syntax = await fnDir(t, { 'fn.yaml': 'name: syntax\n', 'index.ts': 'export default (req) => {\n  return { a: 1 \n' });
  const s = await fn(['run', syntax, '--port', '0']);
  assert.equal(s.code, 1);
  assert.match(s.stderr, /cannot bundle function "syntax"/);
  assert.match(s.stderr, /index\.ts:\d+:\d+/);

  // the stack trace points at the .ts line (source maps), and nothing is left running
  const throws = await fnDir(t, { 'fn.yaml': 'name: throws\n', 'index.ts': 'type T = { a: number };\nconst x: T = { a: 1 };\nif (x.a === 1) throw new Error("boom at load");\nexport default () => x;\n' });
  const th = await fn(['run', throws, '--port', '0']);
  assert.equal(th.code, 1);
  assert.match(th.stderr, /boom at load/);
  assert.match(th.stderr, /index\.ts:3:\d+/);
  assert.match(th.stderr, /the function's invoker did not start: it exited with 1 before becoming ready \[FN_ERR_RUN_START\]/);
});

test('fn run: an invoker that exits on its own ends fn run with exit 1 and says so', async (t) => {
  const dir = await fnDir(t, { 'fn.yaml': 'name: quits\n', 'index.ts': 'export default () => {\n  setTimeout(() => process.exit(3), 20);\n  return "bye";\n};\n' });
  const run = await fnRun(t, dir);
  assert.equal(await (await fetch(run.url)).text(), 'bye');
  await waitFor(async () => (run.proc.exitCode !== null ? true : undefined));
  assert.equal(run.proc.exitCode, 1);
  assert.match(run.stderr(), /the function's invoker exited on its own \(3\) \[FN_ERR_RUN_EXITED\]/);
});

test('fn invoke errors', async (t) => {
  const dir = await exampleCopy(t, 'json-echo');
  const nothing = await fn(['invoke', dir]);
  assert.equal(nothing.code, 1);
  assert.match(nothing.stderr, new RegExp(`no running function found in ${dir}: start it with \`fn run\` \\[FN_ERR_NOT_RUNNING\\]`));
  const notAName = await fn(['invoke', 'Not_A_Function']);
  assert.equal(notAName.code, 1);
  assert.match(notAName.stderr, /"Not_A_Function" is neither a folder nor a function name/);

  await fnRun(t, dir);
  // a port that was free a moment ago: nothing answers there
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const cases: Array<[string[], number, RegExp]> = [
    [['-H', 'no-colon'], 2, /invalid -H "no-colon": expected "Name: value"/],
    [['-H', 'bad name: v'], 2, /invalid -H "bad name: v"/],
    [['--file', join(dir, 'does-not-exist.json')], 1, /cannot read --file .*does-not-exist\.json: no such file \[FN_ERR_BAD_DATA_FILE\]/],
    [['--file', dir], 1, /cannot read --file .*: it is a folder/],
    [['-d', '{}', '--file', join(dir, 'fn.yaml')], 2, /--data and --file cannot be combined/],
    [['--type', 'x'], 2, /--type, --source, --id, --mode and --extension describe a CloudEvent: add --cloudevent/],
    [['-e', 'tenant=x'], 2, /describe a CloudEvent: add --cloudevent/],
    [['--cloudevent', '-e', 'Bad=x'], 2, /invalid extension attribute "Bad": names are lower-case letters and digits only/],
    [['--cloudevent', '-e', 'novalue'], 2, /invalid --extension "novalue": expected name=value/],
    [['--cloudevent', '--mode', 'batch'], 2, /invalid --mode "batch": expected binary or structured/],
    [['--url', 'ftp://x'], 2, /invalid URL "ftp:\/\/x": only http and https/],
    [['--url', `http://127.0.0.1:${closedPort}`], 1, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${closedPort}/: ECONNREFUSED \\[FN_ERR_UNREACHABLE\\]`)],
    [['-p', 'http://evil/'], 2, /invalid --path "http:\/\/evil\/": expected a path/],
    [['-o', 'xml'], 2, /unknown output format "xml"/],
    [['-X', 'GE T'], 2, /invalid --method "GE T"/],
  ];
  for (const [args, code, message] of cases) {
    const res = await fn(['invoke', dir, ...args]);
    assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message, args.join(' '));
    assert.equal(res.stdout, '', args.join(' '));
  }
});

test('fn test: no tests, and a failing test exits 1 pointing at the .ts line', async (t) => {
  const none = await fnDir(t, { 'fn.yaml': 'name: none\n', 'index.ts': 'export default () => 1;\n' });
  const n = await fn(['test', none]);
  assert.equal(n.code, 1);
  assert.match(n.stderr, /no test files \(\*\.test\.ts, \*\.test\.js\) in/);
  const failing = await fnDir(t, {
    'fn.yaml': 'name: failing\n',
    'index.ts': 'export default () => ({ n: 1 });\n',
    'index.test.ts': [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { testFunction } from 'fnkit/testing';",
      "import * as fn from './index.js';",
      "test('wrong on purpose', async () => {",
      '  const c = await testFunction(fn);',
      '  const res = await c.request();',
      '  await c.close();',
      '  assert.deepEqual(res.body, { n: 2 });',
      '});',
      "test('right', () => assert.equal(1, 1));",
    ].join('\n'),
  });
  const f = await fn(['test', failing]);
  assert.equal(f.code, 1);
  assert.match(f.stdout, /(?:# |ℹ )pass 1\b/);
  assert.match(f.stdout, /(?:# |ℹ )fail 1\b/);
  assert.match(f.stdout, /index\.test\.ts:9:\d+/);
  const only = await fn(['test', failing, '--name', '^right$']);
  assert.equal(only.code, 0, only.stdout);
});

test('unknown command is a usage error', async () => {
  const res = await fn(['frobnicate']);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /unknown command 'frobnicate'/);
});
