import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from './fn-yaml.js';
import { FnkitError } from '../errors.js';

const FILE = '/tmp/fn/fn.yaml';

test('the lambda section gets its defaults; awsRuntime stays unset so a bootstrap can be detected', () => {
  const spec = parseFunction('name: a\nruntime: lambda\nhandler: src/app.handler\n', FILE);
  assert.equal(spec.handler, 'src/app.handler');
  assert.deepEqual(spec.lambda, {
    frontDoor: 'http-api',
    routes: [],
    binaryMediaTypes: [],
    multiValueHeaders: false,
    memorySize: 1024,
    concurrency: 1,
    logFormat: 'Text',
  });
  assert.equal(spec.lambda?.awsRuntime, undefined);
  const full = parseFunction(
    [
      'name: a',
      'runtime: lambda',
      'lambda:',
      '  awsRuntime: nodejs24.x',
      '  frontDoor: rest-api',
      '  stage: prod',
      '  routes: ["GET /pets/{petId}", "ANY /{proxy+}"]',
      '  binaryMediaTypes: ["image/*", "*/*"]',
      '  multiValueHeaders: true',
      '  memorySize: 2048',
      '  concurrency: 4',
      '  region: eu-west-1',
      '  logFormat: JSON',
      '  logLevel: WARN',
    ].join('\n'),
    FILE,
  );
  assert.equal(full.handler, 'index.handler', 'lambda default handler');
  assert.equal(full.lambda?.awsRuntime, 'nodejs24.x');
  assert.deepEqual(full.lambda?.routes, ['GET /pets/{petId}', 'ANY /{proxy+}']);
  assert.equal(full.lambda?.concurrency, 4);
});

test('bad lambda keys are refused with the field and what is allowed', () => {
  const cases: Array<[string, RegExp]> = [
    ['frontDoor: apigw', /field "lambda\.frontDoor" must be one of "http-api", "rest-api", "alb", "function-url", "raw"/],
    ['awsRuntime: nodejs18.x', /field "lambda\.awsRuntime" must be one of "nodejs20\.x"/],
    ['concurrency: 0', /field "lambda\.concurrency" must be >= 1/],
    ['memorySize: 64', /field "lambda\.memorySize" must be >= 128/],
    ['routes: ["pets"]', /field "lambda\.routes\.0" must match/],
    ['binaryMediaTypes: ["png"]', /field "lambda\.binaryMediaTypes\.0" must match/],
    ['stage: "a/b"', /field "lambda\.stage" must match/],
    ['multiValueHeaders: yes please', /field "lambda\.multiValueHeaders" must be boolean/],
    ['timeoutz: 3', /unknown field "lambda\.timeoutz"/],
  ];
  for (const [line, re] of cases) {
    assert.throws(
      () => parseFunction(`name: a\nruntime: lambda\nlambda:\n  ${line}\n`, FILE),
      (e: unknown) => e instanceof FnkitError && e.code === 'FN_ERR_FN_YAML_INVALID' && re.test(e.message),
      line,
    );
  }
});
