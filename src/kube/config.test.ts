import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeTarget } from './config.js';
import { FnkitError } from '../errors.js';

const root = mkdtempSync(join(tmpdir(), 'fn-kubeconfig-'));
after(() => rmSync(root, { recursive: true, force: true }));

function kubeconfig(file: string, ctx: string, server: string, ns?: string): string {
  writeFileSync(file, `apiVersion: v1
kind: Config
current-context: ${ctx}
clusters: [{ name: c-${ctx}, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]
users: [{ name: u-${ctx}, user: { token: t } }]
contexts: [{ name: ${ctx}, context: { cluster: c-${ctx}, user: u-${ctx}${ns ? `, namespace: ${ns}` : ''} } }]
`);
  return file;
}

const a = kubeconfig(join(root, 'a'), 'alpha', 'https://a.example:6443', 'team-a');
const b = kubeconfig(join(root, 'b'), 'beta', 'https://b.example:6443');
mkdirSync(join(root, 'home/.kube'), { recursive: true });
kubeconfig(join(root, 'home/.kube/config'), 'home', 'https://home.example', 'home-ns');

const cases: Array<{ name: string; opts: Parameters<typeof loadKubeTarget>[0]; env: Parameters<typeof loadKubeTarget>[1]; want: Partial<ReturnType<typeof loadKubeTarget>> }> = [
  { name: 'explicit file wins over KUBECONFIG and HOME', opts: { kubeconfig: b }, env: { KUBECONFIG: a, HOME: join(root, 'home') }, want: { context: 'beta', namespace: 'default', server: 'https://b.example:6443' } },
  { name: 'KUBECONFIG: first file sets the current context and its namespace', opts: {}, env: { KUBECONFIG: `${a}:${b}` }, want: { context: 'alpha', namespace: 'team-a' } },
  { name: 'KUBECONFIG: a context from the second file', opts: { context: 'beta' }, env: { KUBECONFIG: `${a}:${b}` }, want: { context: 'beta', server: 'https://b.example:6443', namespace: 'default' } },
  { name: 'KUBECONFIG: missing entries skipped', opts: {}, env: { KUBECONFIG: `${join(root, 'nope')}:${b}` }, want: { context: 'beta' } },
  { name: '~/.kube/config when KUBECONFIG is unset', opts: {}, env: { HOME: join(root, 'home') }, want: { context: 'home', namespace: 'home-ns' } },
  { name: 'the namespace flag wins', opts: { namespace: 'x' }, env: { KUBECONFIG: a }, want: { namespace: 'x' } },
];
for (const c of cases) {
  test(c.name, () => {
    const t = loadKubeTarget(c.opts, c.env);
    for (const [k, v] of Object.entries(c.want)) assert.equal((t as any)[k], v, k);
  });
}

test('in-cluster: service account token and namespace files', () => {
  const sa = join(root, 'sa');
  mkdirSync(join(sa, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
  writeFileSync(join(sa, 'var/run/secrets/kubernetes.io/serviceaccount/token'), 'tok');
  writeFileSync(join(sa, 'var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'fnkit-system\n');
  writeFileSync(join(sa, 'var/run/secrets/kubernetes.io/serviceaccount/ca.crt'), '');
  const t = loadKubeTarget({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', serviceAccountRoot: sa, HOME: join(root, 'empty') });
  assert.equal(t.server, 'https://10.0.0.1:443');
  assert.equal(t.namespace, 'fnkit-system');
  assert.equal(t.source, 'in-cluster service account');
});

test('errors: nothing found, bad YAML, no current context', () => {
  assert.throws(() => loadKubeTarget({}, { HOME: join(root, 'empty') }), (e: FnkitError) => e.code === 'FN_ERR_NO_KUBECONFIG');
  writeFileSync(join(root, 'bad'), 'clusters: [: oops');
  assert.throws(() => loadKubeTarget({ kubeconfig: join(root, 'bad') }, {}), (e: FnkitError) => e.code === 'FN_ERR_BAD_KUBECONFIG' && e.message.includes(join(root, 'bad')));
  writeFileSync(join(root, 'noctx'), 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
  assert.throws(() => loadKubeTarget({ kubeconfig: join(root, 'noctx') }, {}), (e: FnkitError) => e.code === 'FN_ERR_KUBE_CONTEXT' && /no usable current context/.test(e.message));
});
