// Handler strings and module loading as AWS does them (specs/lambda.md §3.1), through real HTTP
// against a real invoker process. Init errors surface as the front door's 500 and as AWS's
// "Uncaught Exception" log line with the error type, never in the HTTP body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, serveLambda, type LambdaServer } from './helpers.js';

async function bodyOf(fixture: string, handler: string, config: Record<string, unknown> = {}): Promise<{ status: number; text: string; server: LambdaServer }> {
  const server = await serveLambda({ fixture, handler, config });
  try {
    const r = await call(server.url, { path: '/' });
    return { status: r.status, text: r.text, server };
  } finally {
    await server.stop();
  }
}

test('ESM, CommonJS, .mjs, .cjs, nested folders, nested exports, node_modules', async () => {
  const cases: Array<[string, string, string, Record<string, unknown>?]> = [
    ['basic', 'index.cbImmediate', 'cb'],
    ['mjs-only', 'app.handler', 'mjs'],
    ['cjs-in-module', 'app.handler', 'cjs in a module package'],
    ['esm', 'other.handler', 'mjs in a module package'],
    ['esm', 'index.handlers.get', 'nested export'],
    ['nested', 'src/handlers/orders.handlers.list', 'orders.list'],
    ['node-modules-pkg', 'mypkg.handler', 'from node_modules'],
    ['node24', 'index.fromDefault', 'default lookup', { awsRuntime: 'nodejs24.x' }],
    ['node24', 'index.syncValue', 'sync value', { awsRuntime: 'nodejs24.x' }],
  ];
  const results = await Promise.all(cases.map(([fx, h, , cfg]) => bodyOf(fx, h, cfg)));
  cases.forEach(([fx, h, want], i) => {
    assert.equal(results[i]!.status, 200, `${fx} ${h}: ${results[i]!.text}\n${results[i]!.server.output.join('\n')}`);
    assert.equal(results[i]!.text, want, `${fx} ${h}`);
  });
});

test('ESM top-level await runs once, in the init phase, before the first invocation', async () => {
  const s = await serveLambda({ fixture: 'esm', handler: 'index.handler' });
  try {
    const a = (await call(s.url)).json();
    const b = (await call(s.url)).json();
    assert.equal(a.kind, 'esm');
    assert.ok(a.initMs >= 45, `top-level await finished before the handler ran (initMs ${a.initMs})`);
    assert.equal(a.calls, 1);
    assert.equal(b.calls, 2, 'module state persists: init ran once');
  } finally {
    await s.stop();
  }
});

test('load errors have AWS error types, are logged, and never reach the client', async () => {
  const cases: Array<[string, string, string, RegExp, Record<string, unknown>?]> = [
    ['syntax-error', 'index.handler', 'Runtime.UserCodeSyntaxError', /^SyntaxError: /],
    ['missing-module', 'index.handler', 'Runtime.ImportModuleError', /^Error: Cannot find module 'this-package-does-not-exist'/],
    ['basic', 'nofile.handler', 'Runtime.ImportModuleError', /Cannot find module 'nofile'/],
    ['basic', 'index.nope', 'Runtime.HandlerNotFound', /^index\.nope is undefined or not exported$/],
    ['bad-export', 'index.notAFunction', 'Runtime.HandlerNotFound', /^index\.notAFunction is not a function$/],
    ['esm', 'index.notAFunction', 'Runtime.HandlerNotFound', /^index\.notAFunction is not a function$/],
    // RIC 3.x does not look under `default` (4.x does)
    ['esm', 'index.onlyInDefault', 'Runtime.HandlerNotFound', /is undefined or not exported/],
    ['init-throws', 'index.handler', 'ConfigError', /^DATABASE_URL is not set$/],
    ['node24', 'index.callbackHandler', 'Runtime.CallbackHandlerDeprecated', /removed support for callback-based function handlers starting with Node\.js 24/, { awsRuntime: 'nodejs24.x' }],
    ['node24', 'index.asyncThreeArgs', 'Runtime.CallbackHandlerDeprecated', /Node\.js 24/, { awsRuntime: 'nodejs24.x' }],
  ];
  const results = await Promise.all(cases.map(([fx, h, , , cfg]) => bodyOf(fx, h, cfg)));
  cases.forEach(([fx, h, type, msg], i) => {
    const { status, text, server } = results[i]!;
    const where = `${fx} ${h}\n${server.output.join('\n')}`;
    assert.equal(status, 500, where);
    assert.equal(text, '{"message":"Internal Server Error"}', where);
    const line = server.lines.find((l) => l.includes('\tERROR\tUncaught Exception \t'));
    assert.ok(line, `no Uncaught Exception line: ${where}`);
    assert.match(line!, /^\S+Z\tundefined\tERROR\tUncaught Exception \t\{/, 'before the first invoke the request id is undefined');
    const payload = JSON.parse(line!.split('Uncaught Exception \t')[1]!);
    assert.equal(payload.errorType, type, where);
    assert.match(payload.errorMessage, msg, where);
    assert.ok(Array.isArray(payload.trace));
  });
});

test('nodejs22.x logs the callback deprecation warning for a 3-argument sync handler', async () => {
  const s = await serveLambda({ fixture: 'node24', handler: 'index.callbackHandler', config: { awsRuntime: 'nodejs22.x' } });
  try {
    const r = await call(s.url);
    assert.equal(r.text, 'cb');
    const warn = await s.waitFor(/\tWARN\tAWS Lambda plans to remove support for callback-based function handlers/);
    assert.match(warn, /AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING/);
  } finally {
    await s.stop();
  }
});

test('nodejs24.x context has no callback helpers', async () => {
  const s = await serveLambda({ fixture: 'node24', handler: 'index.asyncHandler', config: { awsRuntime: 'nodejs24.x' } });
  try {
    assert.deepEqual((await call(s.url)).json(), { hasDone: 'undefined', hasCbFlag: false });
  } finally {
    await s.stop();
  }
});

test('a broken module is retried on the next invocation, as AWS re-inits, and the server stays up', async () => {
  const s = await serveLambda({ fixture: 'init-throws', handler: 'index.handler' });
  try {
    await s.waitFor(/Uncaught Exception/);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = s.lines.filter((l) => l.includes('Uncaught Exception')).length;
    assert.equal(idle, 1, 'one init at start-up, no retry loop while no request comes');
    for (let i = 0; i < 3; i++) assert.equal((await call(s.url)).status, 500);
    const health = await call(s.url, { path: '/health/liveness' });
    assert.equal(health.status, 200);
    const count = () => s.lines.filter((l) => l.includes('Uncaught Exception')).length;
    for (let i = 0; i < 40 && count() < 4; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const inits = count();
    assert.equal(inits, 4, `each invocation re-ran init once (${inits} init errors logged)`);
  } finally {
    await s.stop();
  }
});

test('the awslambda global exists before the module loads, unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is set', async () => {
  const [on, off] = await Promise.all([
    serveLambda({ fixture: 'basic', handler: 'index.globals' }),
    serveLambda({ fixture: 'basic', handler: 'index.globals', processEnv: { AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA: '1' } }),
  ]);
  try {
    assert.deepEqual((await call(on.url)).json(), { awslambda: 'object', streamify: 'function' });
    assert.deepEqual((await call(off.url)).json(), { awslambda: 'undefined', streamify: 'undefined' });
  } finally {
    await Promise.all([on.stop(), off.stop()]);
  }
});

test('a streaming marker other than "response" is Runtime.MalformedStreamingHandler', async () => {
  const { status, server } = await bodyOf('streaming', 'index.badStreaming');
  assert.equal(status, 500);
  const line = server.lines.find((l) => l.includes('Uncaught Exception'));
  assert.match(line ?? '', /"errorType":"Runtime\.MalformedStreamingHandler","errorMessage":"Only response streaming is supported\."/);
});
