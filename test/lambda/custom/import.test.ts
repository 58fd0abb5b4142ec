// fn import on real files in temp folders: SAM and serverless.yml mapping, every bad input with
// its error, and an imported SAM function served over real HTTP by the Lambda runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { parse } from 'yaml';
import { importProject, planImport } from '../../../src/import/index.js';
import { isFnkitError } from '../../../src/errors.js';
import { loadFunction } from '../../../src/config/fn-yaml.js';
import { lambdaRuntime } from '../../../runtimes/lambda/index.js';
import { createInvoker } from '../../../invoker/server.js';
import { DEFAULT_SETTINGS } from '../../../invoker/config.js';

const here = dirname(fileURLToPath(import.meta.url));

async function temp(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fn-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function project(t: TestContext, files: Record<string, string>): Promise<string> {
  const dir = await temp(t);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

const errCode = (code: string, re?: RegExp) => (err: unknown) => {
  assert.ok(isFnkitError(err), String(err));
  assert.equal(err.code, code);
  if (re) assert.match(err.message, re);
  return true;
};

test('SAM: Globals, parameters, !Sub/!FindInMap/!Ref, Api/HttpApi events, skipped runtimes, not-mapped lists', async (t) => {
  const dir = join(await temp(t), 'app');
  await cp(join(here, 'fixtures', 'sam-app'), dir, { recursive: true });
  const r = await importProject({ path: dir, env: {}, cwd: dir });
  assert.equal(r.format, 'sam');
  const byName = Object.fromEntries(r.functions.map((f) => [f.source, f]));
  assert.deepEqual(Object.keys(byName), ['HelloFunction', 'OrdersFunction', 'PythonFunction', 'ImageFunction']);
  assert.equal(byName.PythonFunction!.status, 'skipped');
  assert.match(byName.PythonFunction!.reason!, /runtime python3\.12 is not supported/);
  assert.equal(byName.ImageFunction!.status, 'skipped');
  assert.match(byName.ImageFunction!.reason!, /PackageType: Image/);

  const hello = parse(await readFile(join(dir, 'fnkit', 'hello-function', 'fn.yaml'), 'utf8'));
  assert.deepEqual(hello, {
    name: 'hello-function',
    runtime: 'lambda',
    handler: 'app.lambdaHandler',
    timeout: 8,
    env: { STAGE: 'prod', SHARED: 'overridden', GREETING: 'hello from us-east-1 (prod)' },
    lambda: { awsRuntime: 'nodejs22.x', frontDoor: 'rest-api', routes: ['GET /hello/{name}', 'POST /hello'], binaryMediaTypes: ['image/png'], memorySize: 256 },
  });
  const orders = parse(await readFile(join(dir, 'fnkit', 'orders-function', 'fn.yaml'), 'utf8'));
  assert.equal(orders.lambda.frontDoor, 'http-api');
  assert.deepEqual(orders.lambda.routes, ['GET /orders']);
  assert.equal(orders.lambda.awsRuntime, 'nodejs24.x');
  assert.equal(orders.timeout, 30);
  // Only the function's CodeUri is its task root, copied unchanged.
  assert.ok(existsSync(join(dir, 'fnkit', 'hello-function', 'app.mjs')));
  assert.ok(!existsSync(join(dir, 'fnkit', 'hello-function', 'index.js')));
  assert.equal(await readFile(join(dir, 'fnkit', 'hello-function', 'app.mjs'), 'utf8'), await readFile(join(dir, 'hello', 'app.mjs'), 'utf8'));
  assert.ok(!existsSync(join(dir, 'fnkit', 'python-function')), 'skipped functions write nothing');

  const helloKeys = byName.HelloFunction!.notMapped.map((n) => n.key);
  for (const k of ['Environment.Variables.TABLE_ARN', 'Layers', 'Tracing', 'Events.Hello.Properties.Auth', 'Events.Nightly']) {
    assert.ok(helloKeys.includes(`Resources.HelloFunction.Properties.${k}`), `${k} listed: ${helloKeys.join(', ')}`);
  }
  const ordersKeys = byName.OrdersFunction!.notMapped.map((n) => n.key);
  for (const k of ['VpcConfig', 'Policies', 'Events.Queue']) assert.ok(ordersKeys.includes(`Resources.OrdersFunction.Properties.${k}`), k);
  assert.ok(r.notMapped.some((n) => n.key === 'Resources.OrdersTable' && n.value === 'AWS::DynamoDB::Table'));
  assert.ok(r.notMapped.some((n) => n.key === 'Outputs'));
  // The not-mapped list is also in the fn.yaml, as comments.
  assert.match(await readFile(join(dir, 'fnkit', 'hello-function', 'fn.yaml'), 'utf8'), /#   - Resources\.HelloFunction\.Properties\.Layers/);

  // The imported ESM handler runs unchanged behind the REST front door.
  const fdir = join(dir, 'fnkit', 'hello-function');
  const spec = await loadFunction(fdir);
  const runtime = lambdaRuntime({ handler: spec.handler, name: spec.name, timeout: spec.timeout, config: spec.lambda as Record<string, unknown>, env: spec.env, taskRoot: fdir }, { log: () => {} });
  const inv = createInvoker({ runtime, settings: { ...DEFAULT_SETTINGS, host: '127.0.0.1', logLevel: 'silent' } });
  await inv.start();
  const url = await inv.listen(0, '127.0.0.1');
  try {
    const res = await fetch(`${url}/hello/Ada`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello from us-east-1 (prod): Ada [overridden/prod]');
  } finally {
    await inv.drain(1000);
  }
});

test('serverless.yml: variables (nested self, opt:stage, env, file, fallbacks), alb, url, one front door per function', async (t) => {
  const dir = await project(t, {
    'serverless.yml': `
service: { name: shop }
provider:
  name: aws
  runtime: nodejs18.x
  stage: \${opt:stage, 'dev'}
  environment:
    TABLE: \${self:custom.tables.\${self:provider.stage}}
    FROM_ENV: \${env:SHOP_SECRET, 'unset'}
    FROM_FILE: \${file(./config.yml):db.host}
    MISSING: \${cf:other-stack.Output}
custom:
  tables: { dev: shop-dev, prod: shop-prod }
functions:
  getCart:
    handler: handlers/cart.get
    memorySize: 64
    timeout: 1200
    events:
      - http: GET cart/{id}
      - httpApi: POST /cart
  admin:
    handler: handlers/admin.handler
    url: true
  lb:
    handler: handlers/lb.handler
    events:
      - alb:
          listenerArn: arn:aws:elasticloadbalancing:x
          priority: 1
          multiValueHeaders: true
          conditions:
            path: /lb/*
            method: [GET, POST]
  get_cart:
    handler: handlers/cart.other
  worker:
    handler: handlers/worker.handler
    events:
      - sqs: arn:aws:sqs:x
`,
    'config.yml': 'db:\n  host: db.local\n',
    'handlers/cart.js': 'exports.get = async () => ({});\nexports.other = async () => ({});\n',
    'handlers/admin.ts': 'export const handler = async () => ({});\n',
    'handlers/lb.mjs': 'export const handler = async () => ({});\n',
  });
  const plan = await planImport({ path: dir, env: { SHOP_SECRET: 's3cret' }, cwd: dir, stage: 'prod' });
  const f = Object.fromEntries(plan.functions.map((x) => [x.source, x]));
  assert.equal(plan.project, 'shop');
  assert.deepEqual(f.getCart!.env, { TABLE: 'shop-prod', FROM_ENV: 's3cret', FROM_FILE: 'db.local' });
  assert.ok(f.getCart!.notMapped.some((n) => n.key === 'provider.environment.MISSING' && n.value === '${cf:other-stack.Output}'));
  assert.equal(f.getCart!.awsRuntime, 'nodejs20.x');
  assert.ok(f.getCart!.notMapped.some((n) => n.key === 'functions.getCart.runtime' && /retired/.test(n.reason)));
  assert.equal(f.getCart!.memorySize, 128, 'clamped into AWS range');
  assert.equal(f.getCart!.timeout, 900, 'clamped into AWS range');
  assert.equal(f.getCart!.frontDoor, 'rest-api');
  assert.deepEqual(f.getCart!.routes, ['GET /cart/{id}']);
  assert.ok(f.getCart!.notMapped.some((n) => n.key === 'functions.getCart.events[1].httpApi' && /one front door/.test(n.reason)));
  assert.equal(f.admin!.frontDoor, 'function-url');
  assert.ok(f.admin!.notMapped.some((n) => n.key === 'handler' && /TypeScript/.test(n.reason)), 'a .ts handler is flagged');
  assert.equal(f.lb!.frontDoor, 'alb');
  assert.equal(f.lb!.multiValueHeaders, true);
  assert.deepEqual(f.lb!.routes, ['GET /lb/{proxy+}', 'POST /lb/{proxy+}']);
  assert.deepEqual(plan.functions.map((x) => x.name), ['get-cart', 'admin', 'lb', 'get-cart-2', 'worker']);
  assert.equal(f.worker!.frontDoor, 'raw');
  assert.ok(f.worker!.notMapped.some((n) => n.key === 'functions.worker.events[0].sqs'));
  assert.ok(f.worker!.notMapped.some((n) => n.key === 'handler' && /Runtime\.ImportModuleError/.test(n.reason)), 'a missing handler file is flagged');
  // Without --stage and without the env var: defaults apply.
  const dflt = await planImport({ path: dir, env: {}, cwd: dir });
  assert.equal(dflt.functions[0]!.env.TABLE, 'shop-dev');
  assert.equal(dflt.functions[0]!.env.FROM_ENV, 'unset');
});

test('bad inputs: each with a clear error', async (t) => {
  const dir = await temp(t);
  await assert.rejects(importProject({ path: join(dir, 'nope.yml'), env: {}, cwd: dir }), errCode('FN_ERR_IMPORT_NOT_FOUND', /does not exist/));
  await assert.rejects(importProject({ path: dir, env: {}, cwd: dir }), errCode('FN_ERR_IMPORT_NOT_FOUND', /no serverless\.yml, serverless\.yaml, template\.yaml, template\.yml in/));

  const code = await project(t, { 'serverless.ts': 'export default {}' });
  await assert.rejects(importProject({ path: code, env: {}, cwd: code }), errCode('FN_ERR_IMPORT_UNSUPPORTED', /is a program/));

  const k8s = await project(t, { 'template.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n' });
  await assert.rejects(importProject({ path: k8s, env: {}, cwd: k8s }), errCode('FN_ERR_IMPORT_UNKNOWN_FORMAT', /neither a serverless\.yml .* it has: apiVersion, kind, metadata/));

  const broken = await project(t, { 'serverless.yml': 'service: x\nfunctions:\n  a:\n    handler: [unclosed\n' });
  await assert.rejects(importProject({ path: broken, env: {}, cwd: broken }), errCode('FN_ERR_IMPORT_YAML', /serverless\.yml:\d+:\d+: not valid YAML/));

  const badTag = await project(t, { 'template.yaml': 'Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: !Bogus x\n' });
  await assert.rejects(importProject({ path: badTag, env: {}, cwd: badTag }), errCode('FN_ERR_IMPORT_YAML', /!Bogus/));

  const empty = await project(t, { 'serverless.yml': 'service: x\nprovider: { name: aws }\n' });
  await assert.rejects(importProject({ path: empty, env: {}, cwd: empty }), errCode('FN_ERR_IMPORT_NO_FUNCTIONS'));

  const google = await project(t, { 'serverless.yml': 'service: x\nprovider: { name: google }\nfunctions: { a: { handler: a.b } }\n' });
  await assert.rejects(importProject({ path: google, env: {}, cwd: google }), errCode('FN_ERR_IMPORT_UNSUPPORTED', /provider\.name is "google"/));

  const mixed = await project(t, {
    'serverless.yml': 'service: x\nprovider: { name: aws, runtime: nodejs20.x }\nfunctions:\n  nohandler:\n    events: [{ httpApi: GET /a }]\n  py:\n    handler: app.handler\n    runtime: python3.12\n  ok:\n    handler: ok.handler\n',
    'ok.js': 'exports.handler = async () => 1;\n',
  });
  const r = await importProject({ path: mixed, env: {}, cwd: mixed });
  const s = Object.fromEntries(r.functions.map((x) => [x.source, x]));
  assert.equal(s.nohandler!.status, 'skipped');
  assert.match(s.nohandler!.reason!, /functions\.nohandler has no handler/);
  assert.equal(s.py!.status, 'skipped');
  assert.match(s.py!.reason!, /python3\.12 is not supported.*provided\.al2023/);
  assert.equal(s.ok!.status, 'imported');
  assert.ok(existsSync(join(mixed, 'fnkit', 'ok', 'fn.yaml')));
  // Importing again without force is refused; nothing was overwritten.
  await assert.rejects(importProject({ path: mixed, env: {}, cwd: mixed }), errCode('FN_ERR_IMPORT_TARGET_EXISTS'));
  // The output folder inside the project is not copied into itself.
  assert.ok(!existsSync(join(mixed, 'fnkit', 'ok', 'fnkit')));
});

test('a JSON SAM template, and a serverless.yml whose resources use CloudFormation tags', async (t) => {
  const json = await project(t, {
    'template.json': JSON.stringify({
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Fn: { Type: 'AWS::Serverless::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs20.x', CodeUri: 'src', FunctionUrlConfig: { AuthType: 'AWS_IAM' } } },
      },
    }),
    'src/index.js': 'exports.handler = async () => ({ ok: true });\n',
  });
  const plan = await planImport({ path: json, env: {}, cwd: json });
  assert.equal(plan.format, 'sam');
  const f = plan.functions[0]!;
  assert.equal(f.frontDoor, 'function-url');
  assert.equal(f.timeout, 3, 'SAM default');
  assert.equal(f.memorySize, 128, 'SAM default');
  assert.ok(f.notMapped.some((n) => n.key.endsWith('FunctionUrlConfig.AuthType') && /IAM auth/.test(n.reason)));

  const sls = await project(t, {
    'serverless.yml': 'service: t\nprovider: { name: aws, runtime: nodejs22.x }\nfunctions:\n  a: { handler: a.handler, events: [{ httpApi: "*" }] }\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n      Properties:\n        QueueName: !Sub "${AWS::StackName}-q"\n',
    'a.js': 'exports.handler = async () => 1;\n',
  });
  const p2 = await planImport({ path: sls, env: {}, cwd: sls });
  assert.equal(p2.functions[0]!.frontDoor, 'http-api');
  assert.deepEqual(p2.functions[0]!.routes, [], '"*" is the catch-all: no route needed');
  assert.ok(p2.notMapped.some((n) => n.key === 'resources' && /not created/.test(n.reason)));
});
