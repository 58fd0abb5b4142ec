// The bash custom runtime of this folder, served by the real invoker with the Lambda runtime as
// `fn run` would (fn.yaml read, provided.al2023, HTTP API front door), reached over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { lambdaRuntime } from '../../runtimes/lambda/index.js';
import { createInvoker, type Invoker } from '../../invoker/server.js';
import { DEFAULT_SETTINGS } from '../../invoker/config.js';

const here = dirname(fileURLToPath(import.meta.url));
const logs: string[] = [];
let inv: Invoker;
let url: string;

before(async () => {
  const spec = await loadFunction(here);
  const runtime = lambdaRuntime(
    { handler: spec.handler, name: spec.name, timeout: spec.timeout, config: (spec.lambda ?? {}) as Record<string, unknown>, env: spec.env, taskRoot: here },
    { log: (l) => logs.push(l) },
  );
  inv = createInvoker({ runtime, settings: { ...DEFAULT_SETTINGS, host: '127.0.0.1', logLevel: 'silent', timeoutMs: 10_000 } });
  await inv.start();
  url = await inv.listen(0, '127.0.0.1');
});
after(() => inv.drain(2000));

test('GET through the HTTP API front door runs the bash handler', async () => {
  const res = await fetch(`${url}/hello`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain');
  assert.equal(await res.text(), 'Hello from bash! You asked for /hello');
  assert.ok(logs.some((l) => l.startsWith('handling /hello in bash')), 'the handler\'s stderr reaches the function log');
});

test('a failing bash handler is posted to /error: HTTP API answers 500 without details', async () => {
  const res = await fetch(`${url}/fail`);
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { message: 'Internal Server Error' });
  // The runtime survived and serves the next request.
  assert.equal((await fetch(`${url}/again`)).status, 200);
});

test('the Invoke API reaches the same bootstrap (RIE-style curl POST)', async () => {
  const res = await fetch(`${url}/2015-03-31/functions/function/invocations`, { method: 'POST', body: JSON.stringify({ rawPath: '/direct' }) });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'Hello from bash! You asked for /direct' });
  const failed = await fetch(`${url}/2015-03-31/functions/lambda-bootstrap-bash/invocations`, { method: 'POST', body: JSON.stringify({ rawPath: '/fail' }) });
  assert.equal(failed.headers.get('x-amz-function-error'), 'Unhandled');
  assert.deepEqual(await failed.json(), { errorType: 'Function.HandlerFailed', errorMessage: 'handler failed with exit status 1' });
});
