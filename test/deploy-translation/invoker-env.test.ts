// The contract between the generated Service and the invoker inside it: the env fnkit writes is
// read by the invoker's own settings parser (invoker/config.ts) into exactly the fn.yaml values,
// and the invoker's deadline equals Knative's timeoutSeconds, so the two never disagree (issue 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/config/fn-yaml.js';
import { toKnativeService } from '../../src/deploy/manifest.js';
import { readSettings } from '../../invoker/config.js';

const IMAGE = `r.example.com/f@sha256:${'d4'.repeat(32)}`;

test('the invoker reads the Service env back into the fn.yaml settings', () => {
  const cases = [
    'name: hello\n',
    'name: hello\ntimeout: 1.5\ninvoker: {bodyLimit: 512kb, reservedPrefix: /_fn, cloudevents: {replyMode: structured, replyType: com.example.done, replySource: /orders}}\n',
    'name: hello\ntimeout: 10m\nruntime: lambda\n',
    'name: hello\ntimeout: 250ms\nenv: {FN_DEV: "1", FN_GRACE: "5"}\n',
  ];
  for (const yaml of cases) {
    const spec = parseFunction(yaml, '/fns/hello/fn.yaml');
    const svc = toKnativeService(spec, IMAGE);
    const env: Record<string, string> = {};
    for (const e of svc.spec.template.spec.containers[0].env) if (e.value !== undefined) env[e.name] = e.value;
    // What Knative adds in the pod (knative-contract.md §1).
    Object.assign(env, { PORT: '8080', K_SERVICE: 'hello', K_REVISION: 'hello-00001', K_CONFIGURATION: 'hello' });
    const s = readSettings(env);
    assert.equal(s.timeoutMs, svc.spec.template.spec.timeoutSeconds * 1000, `${yaml}: invoker deadline = Knative timeoutSeconds`);
    assert.ok(s.timeoutMs >= spec.timeout * 1000, 'never shorter than fn.yaml asks');
    assert.equal(s.bodyLimit, spec.invoker.bodyLimit, yaml);
    assert.equal(s.reservedPrefix, spec.invoker.reservedPrefix, yaml);
    assert.equal(s.ceReplyMode, spec.invoker.cloudevents.replyMode, yaml);
    assert.equal(s.ceReplyType, spec.invoker.cloudevents.replyType, yaml);
    assert.equal(s.ceReplySource, spec.invoker.cloudevents.replySource, yaml);
    assert.equal(s.port, 8080);
    const c = svc.spec.template.spec.containers[0];
    assert.equal(c.readinessProbe.httpGet.path, `${s.reservedPrefix}/health/readiness`);
    assert.equal(c.livenessProbe.httpGet.path, `${s.reservedPrefix}/health/liveness`);
  }
});
