// `npm run demo`: the quick start in one command. Creates a function in a temp folder with
// `fn create`, serves it with `fn run`, calls it over HTTP and as a CloudEvent with `fn invoke`,
// prints each step and response, stops it and cleans up. Exit code 0 only if every step worked.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FN = resolve(fileURLToPath(new URL('../bin/fn.js', import.meta.url)));
const say = (line) => process.stdout.write(`${line}\n`);
const indent = (text) => text.trimEnd().split('\n').map((l) => `    ${l}`).join('\n');

function fn(args, cwd) {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [FN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

function check(step, res, expect) {
  const problem = res.code !== 0 ? `exit code ${res.code}` : expect(res);
  if (problem) throw new Error(`${step} failed: ${problem}\n${res.stderr}${res.stdout}`);
}

const work = await mkdtemp(join(tmpdir(), 'fnkit-demo-'));
const dir = join(work, 'hello');
let run;
let failed = false;
try {
  say(`$ fn create hello   (in ${work})`);
  const created = await fn(['create', 'hello'], work);
  check('fn create', created, (r) => (r.stdout.includes('created function "hello"') ? '' : 'no confirmation'));
  say(indent(created.stdout.split('\n\n')[0]));

  say('$ fn test');
  const tested = await fn(['test'], dir);
  check('fn test', tested, (r) => (/(?:# |ℹ )fail 0\b/.test(r.stdout) ? '' : 'tests failed'));
  say(indent(tested.stdout.split('\n').filter((l) => /^(ok|not ok|# (pass|fail))/.test(l)).join('\n')));

  say('$ fn run --port 0   (in the background)');
  run = spawn(process.execPath, [FN, 'run', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let runErr = '';
  run.stderr.on('data', (d) => (runErr += d));
  const exited = new Promise((r) => run.once('exit', (code) => r(code)));
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fn run printed no URL in 60 s\n${runErr}`)), 60_000);
    run.stdout.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`fn run exited (${code}) before serving\n${runErr}`)));
  });
  say(`    serving at ${url}`);

  say("$ fn invoke --path '/?name=Ada'");
  const http = await fn(['invoke', '--path', '/?name=Ada'], dir);
  check('fn invoke (HTTP)', http, (r) => (JSON.parse(r.stdout).message === 'Hello, Ada!' ? '' : `unexpected body ${r.stdout}`));
  say(indent(http.stdout));

  say(`$ fn invoke --data '{"name":"Grace"}' -v`);
  const post = await fn(['invoke', '--data', '{"name":"Grace"}', '-v'], dir);
  check('fn invoke (POST)', post, (r) => (JSON.parse(r.stdout).message === 'Hello, Grace!' ? '' : `unexpected body ${r.stdout}`));
  say(indent(post.stderr.split('\n').filter((l) => /^(POST|< 200|< content-type)/.test(l)).join('\n')));
  say(indent(post.stdout));

  say(`$ fn invoke --cloudevent --type com.example.greet --source /demo --data '{"name":"Linus"}'`);
  const ce = await fn(['invoke', '--cloudevent', '--type', 'com.example.greet', '--source', '/demo', '--data', '{"name":"Linus"}'], dir);
  check('fn invoke (CloudEvent)', ce, (r) => {
    const event = JSON.parse(r.stdout);
    return event.type === 'hello.reply' && event.data?.message === 'Hello, Linus!' ? '' : `unexpected reply event ${r.stdout}`;
  });
  say('    reply event:');
  say(indent(ce.stdout));

  say('$ (Ctrl-C) stopping fn run');
  run.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`fn run exited with ${code} on Ctrl-C\n${runErr}`);
  run = undefined;
  say('    stopped cleanly');
  say('\ndemo passed: created, tested, served, invoked over HTTP and as a CloudEvent, stopped.');
} catch (err) {
  failed = true;
  process.stderr.write(`\ndemo FAILED: ${err instanceof Error ? err.message : err}\n`);
} finally {
  if (run && run.exitCode === null) {
    run.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 2000));
    if (run.exitCode === null) run.kill('SIGKILL');
  }
  await rm(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
