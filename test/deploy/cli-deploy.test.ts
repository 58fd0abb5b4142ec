// fn deploy / list / describe / subscribe / unsubscribe / logs / invoke / delete, end to end:
// the built CLI as a process, against the test API server as another process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startTestApiServer, type TestApiServer } from '../kube-api-server/harness.js';
import { connect } from '../../src/kube/client.js';
import { KSERVICE, REVISION, TRIGGER } from '../../src/kube/resources.js';
import { resolveDeployedUrl } from '../../src/deploy/url.js';
import { streamFunctionLogs } from '../../src/kube/logs.js';
import { BIN_ENV, IMAGE, ROOT, ensureBuilt, fn, functionDir, tempDir } from './cli-helpers.js';

let api: TestApiServer;
let work: string;
let dir: string;
let env: Record<string, string | undefined>;
const NS = 'team-a';

const FN_YAML = `name: hello
runtime: node
env:
  GREETING: hi
deploy:
  scale: { min: 1, max: 5 }
  subscriptions:
    - broker: default
      filters: { type: com.example.order.created }
`;

before(async () => {
  ensureBuilt();
  api = await startTestApiServer({ namespace: NS, knativeDelayMs: 20 });
  work = await tempDir('fn-deploy-');
  dir = await functionDir(work, 'hello', FN_YAML);
  env = { ...BIN_ENV, HOME: work, KUBECONFIG: api.kubeconfig };
});
after(async () => {
  await api.stop();
  await rm(work, { recursive: true, force: true });
});

const kube = () => connect({ kubeconfig: api.kubeconfig }, {});

test('--dry-run prints the exact Service and Trigger with no cluster at all', async () => {
  const r = await fn(['deploy', dir, '--dry-run', '-o', 'yaml', '--image', IMAGE('hello')], { env: { ...BIN_ENV, HOME: work } });
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
  assert.deepEqual(docs.map((d) => d.kind), ['Service', 'Trigger']);
  assert.equal(docs[0].metadata.namespace, 'default', 'no kubeconfig: the default namespace');
  assert.equal(docs[0].spec.template.spec.containers[0].image, IMAGE('hello'));
  assert.equal(docs[0].spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'], '1');
  assert.equal(docs[1].spec.filter.attributes.type, 'com.example.order.created');
  const json = await fn(['deploy', dir, '--dry-run', '-o', 'json', '--image', IMAGE('hello'), '-n', 'x'], { env: { ...BIN_ENV, HOME: work } });
  const list = JSON.parse(json.stdout);
  assert.equal(list.kind, 'List');
  assert.equal(list.items[0].metadata.namespace, 'x');
  assert.equal((await api.requests()).length, 0, 'a dry run sends nothing');
});

test('deploy applies, waits for Ready and prints the URL', async () => {
  const r = await fn(['deploy', dir, '--image', IMAGE('hello')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /hello is ready: http:\/\/hello\.team-a\.example\.com/);
  assert.match(r.stderr, /applied Service hello \(generation 1\)/);
  assert.match(r.stderr, /applied Trigger hello-default-/);
  const svc = await kube().get<any>(KSERVICE, 'hello');
  assert.equal(svc.metadata.generation, 1);
  assert.equal(svc.status.latestReadyRevisionName, 'hello-00001');
  const trig = (await kube().list<any>(TRIGGER)).items;
  assert.equal(trig.length, 1);
  assert.equal(trig[0].metadata.ownerReferences[0].uid, svc.metadata.uid, 'the Trigger goes with the Service');
  const applyReqs = (await api.requests()).filter((q) => q.method === 'PATCH');
  assert.ok(applyReqs.every((q) => q.contentType === 'application/apply-patch+yaml' && q.query.fieldManager === 'fn' && q.query.force === undefined));
});

test('an unchanged re-deploy makes no new revision: same generation, same resourceVersion', async () => {
  const before = await kube().get<any>(KSERVICE, 'hello');
  const r = await fn(['deploy', dir, '--image', IMAGE('hello'), '-o', 'json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.unchanged, true);
  assert.equal(out.generation, 1);
  const now = await kube().get<any>(KSERVICE, 'hello');
  assert.equal(now.metadata.resourceVersion, before.metadata.resourceVersion);
  assert.deepEqual((await kube().list<any>(REVISION)).items.map((x) => x.metadata.name), ['hello-00001']);
});

test('a change makes a new generation and revision', async () => {
  await writeFile(join(dir, 'fn.yaml'), FN_YAML.replace('GREETING: hi', 'GREETING: hello'));
  const r = await fn(['deploy', dir, '--image', IMAGE('hello'), '-o', 'json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.generation, 2);
  assert.equal(out.revision, 'hello-00002');
  assert.equal(out.unchanged, false);
});

test('a traffic split with a tagged canary shows in describe', async () => {
  const split = FN_YAML.replace('GREETING: hi', 'GREETING: canary') + '  traffic:\n    - { revision: hello-00002, percent: 90 }\n    - { latest: true, percent: 10, tag: canary }\n';
  await writeFile(join(dir, 'fn.yaml'), split);
  const r = await fn(['deploy', dir, '--image', IMAGE('hello')], { env });
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse((await fn(['describe', 'hello', '-o', 'json'], { env })).stdout);
  assert.deepEqual(d.traffic, [
    { revision: 'hello-00002', percent: 90, latest: false },
    { revision: 'hello-00003', percent: 10, latest: true, tag: 'canary', url: 'http://canary-hello.team-a.example.com' },
  ]);
  assert.deepEqual(d.revisions.map((x: any) => [x.name, x.percent, x.tags]), [['hello-00003', 10, ['canary']], ['hello-00002', 90, []], ['hello-00001', 0, []]]);
  const human = (await fn(['describe', 'hello'], { env })).stdout;
  assert.match(human, / 10% hello-00003 \[canary\]/);
  assert.match(human, / 90% hello-00002/);
  // back to the plain fn.yaml: latest takes 100 % again
  await writeFile(join(dir, 'fn.yaml'), FN_YAML.replace('GREETING: hi', 'GREETING: hello'));
  assert.equal((await fn(['deploy', dir, '--image', IMAGE('hello')], { env })).code, 0);
});

test('list and describe', async () => {
  const l = await fn(['list', '-o', 'json'], { env });
  assert.equal(l.code, 0, l.stderr);
  const fns = JSON.parse(l.stdout);
  assert.deepEqual(fns.map((f: any) => [f.name, f.ready, f.url, f.revision]), [['hello', true, 'http://hello.team-a.example.com', 'hello-00004']]);
  const human = await fn(['list'], { env });
  assert.match(human.stdout, /NAME\s+READY\s+REVISION\s+URL\nhello\s+True\s+hello-00004\s+http:\/\/hello\.team-a\.example\.com/);
  const other = await fn(['list', '-n', 'elsewhere'], { env });
  assert.match(other.stdout, /no functions in namespace "elsewhere"/);
  assert.equal((await fn(['deploy', dir, '--image', IMAGE('hello'), '-n', 'elsewhere'], { env })).code, 0);
  const all = JSON.parse((await fn(['list', '-A', '-o', 'json'], { env })).stdout);
  assert.deepEqual(all.map((f: any) => `${f.namespace}/${f.name}`), ['elsewhere/hello', 'team-a/hello']);
  assert.match((await fn(['list', '-A'], { env })).stdout, /^NAMESPACE\s+NAME/);
  assert.equal((await fn(['delete', 'hello', '-n', 'elsewhere'], { env })).code, 0);
  const d = await fn(['describe', 'hello', '-o', 'json'], { env });
  assert.equal(d.code, 0, d.stderr);
  const desc = JSON.parse(d.stdout);
  assert.equal(desc.image, IMAGE('hello'));
  assert.deepEqual(desc.revisions.map((r: any) => [r.name, r.percent]), [['hello-00004', 100], ['hello-00003', 0], ['hello-00002', 0], ['hello-00001', 0]]);
  assert.deepEqual(desc.traffic, [{ revision: 'hello-00004', percent: 100, latest: true }]);
  assert.equal(desc.scale['min-scale'], '1');
  assert.equal(desc.triggers[0].broker, 'default');
  const dh = await fn(['describe', 'hello'], { env });
  assert.match(dh.stdout, /Ready:\s+True/);
  assert.match(dh.stdout, /100% hello-00004/);
  const missing = await fn(['describe', 'nope'], { env });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no function "nope" is deployed in namespace "team-a"/);
});

test('subscribe and unsubscribe make and remove a validated Trigger', async () => {
  const s = await fn(['subscribe', 'hello', '--broker', 'orders', '--filter', 'type=com.example.paid', '--filter', 'source=/shop', '--path', '/events'], { env });
  assert.equal(s.code, 0, s.stderr);
  const t = (await kube().list<any>(TRIGGER)).items.find((x) => x.spec.broker === 'orders');
  assert.deepEqual(t.spec.filter.attributes, { source: '/shop', type: 'com.example.paid' });
  assert.equal(t.spec.subscriber.uri, '/events');
  assert.equal(t.spec.subscriber.ref.name, 'hello');
  // the table of bad filters, brokers and paths is in src/kube/subscriptions.test.ts; here: the exit code
  const bad = await fn(['subscribe', 'hello', '--broker', 'orders', '--filter', 'Type=x'], { env });
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /attribute "Type" must be a CloudEvents attribute name/);
  const noFn = await fn(['subscribe', 'ghost', '--broker', 'orders', '--filter', 'type=a'], { env });
  assert.equal(noFn.code, 1);
  assert.match(noFn.stderr, /no function "ghost"/);
  // a re-deploy keeps subscriptions made with fn subscribe (only fn.yaml's are pruned)
  assert.equal((await fn(['deploy', dir, '--image', IMAGE('hello')], { env })).code, 0);
  assert.ok((await kube().list<any>(TRIGGER)).items.some((x) => x.spec.broker === 'orders'));
  const u = await fn(['unsubscribe', 'hello', '--broker', 'orders', '--filter', 'type=com.example.paid', '--filter', 'source=/shop'], { env });
  assert.equal(u.code, 0, u.stderr);
  assert.ok(!(await kube().list<any>(TRIGGER)).items.some((x) => x.spec.broker === 'orders'));
  const again = await fn(['unsubscribe', 'hello', '--broker', 'orders'], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /has no subscription to broker "orders"; it has default/);
});

test('a subscription dropped from fn.yaml is removed on the next deploy', async () => {
  await writeFile(join(dir, 'fn.yaml'), FN_YAML.replace(/  subscriptions:[\s\S]*$/, ''));
  const r = await fn(['deploy', dir, '--image', IMAGE('hello')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /removed Trigger hello-default-/);
  assert.equal((await kube().list<any>(TRIGGER)).items.length, 0);
  await writeFile(join(dir, 'fn.yaml'), FN_YAML);
  assert.equal((await fn(['deploy', dir, '--image', IMAGE('hello')], { env })).code, 0);
});

test('logs: every pod across revisions, prefixed; -f follows new lines and new pods', async () => {
  const r = await fn(['logs', 'hello'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\[hello-00001-deployment-[0-9a-f]+ hello-00001\] listening on :8080 \(revision hello-00001\)$/m);
  assert.match(r.stdout, /^\[hello-00002-deployment-[0-9a-f]+ hello-00002\] listening/m);
  assert.doesNotMatch(r.stdout, /queue-proxy/, 'only user-container');
  await new Promise((r) => setTimeout(r, 1200));
  const pod1 = /\[(hello-00001-deployment-[0-9a-f]+)/.exec(r.stdout)![1];
  await api.control('/_test/log', { namespace: NS, pod: pod1, line: 'fresh line' });
  // in-process: a CLI process takes about a second to start, too coarse for a 1 s window
  const recent: string[] = [];
  await streamFunctionLogs(kube(), 'hello', NS, { sinceSeconds: 1, write: (l) => recent.push(l) });
  assert.ok(recent.some((l) => /hello-00001\] fresh line/.test(l)), recent.join('\n'));
  assert.ok(!recent.some((l) => /listening/.test(l)), 'sinceSeconds drops older lines');
  assert.equal((await fn(['logs', 'hello', '--since', '1h'], { env })).code, 0);
  const none = await fn(['logs', 'ghost'], { env });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no function "ghost"/);
  const child = spawn(process.execPath, [join(ROOT, 'bin/fn.js'), 'logs', 'hello', '-f'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const waitFor = async (re: RegExp) => { for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100)); assert.match(out, re); };
  try {
    await waitFor(/hello-00004\] listening/);
    const pod = /\[(hello-00004-deployment-[0-9a-f]+)/.exec(out)![1];
    await api.control('/_test/log', { namespace: NS, pod, line: 'request served' });
    await waitFor(/hello-00004\] request served/);
    await writeFile(join(dir, 'fn.yaml'), FN_YAML.replace('GREETING: hi', 'GREETING: third'));
    assert.equal((await fn(['deploy', dir, '--image', IMAGE('hello')], { env })).code, 0);
    await waitFor(/hello-0000\d\] listening on :8080 \(revision hello-0000[5-9]\)/);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  }
});

test('fn invoke <name> resolves the URL from the Service status and reports the URL it tried', async () => {
  assert.equal(await resolveDeployedUrl('hello', { kubeconfig: api.kubeconfig, env: {} }), 'http://hello.team-a.example.com');
  await assert.rejects(resolveDeployedUrl('ghost', { kubeconfig: api.kubeconfig, env: {} }), /no function "ghost" is deployed in namespace "team-a"/);
  const r = await fn(['invoke', 'hello'], { env, timeoutMs: 30_000 });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /http:\/\/hello\.team-a\.example\.com/);
});

test('delete removes the Service and its Triggers; a second delete says it is not there', async () => {
  const r = await fn(['delete', 'hello'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deleted Service team-a\/hello/);
  assert.equal(await kube().tryGet(KSERVICE, 'hello'), undefined);
  assert.equal((await kube().list(TRIGGER)).items.length, 0);
  const again = await fn(['delete', 'hello'], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /no function "hello" is deployed in namespace "team-a"/);
});
