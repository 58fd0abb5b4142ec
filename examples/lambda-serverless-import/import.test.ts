// The real `fn import` turns this serverless.yml into fnkit functions in a temp folder, then the
// real `fn run` serves one of them and it answers over HTTP: the whole porting path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { exampleCopy, fn, fnRun, tempDir } from '../../test/cli/helpers.js';

test('fn import writes one lambda function per serverless function; fn run serves the REST one', async (t) => {
  const project = await exampleCopy(t, 'lambda-serverless-import');
  const out = join(await tempDir(t, 'fn-import-out-'), 'fns');
  const r = await fn(['import', project, '--out', out, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.format, 'serverless');
  assert.deepEqual(result.functions.map((f: { name: string; status: string }) => [f.name, f.status]), [['get-pet', 'imported'], ['list-pets', 'imported']]);

  const getPet = parse(await readFile(join(out, 'get-pet', 'fn.yaml'), 'utf8'));
  assert.deepEqual(getPet, {
    name: 'get-pet',
    runtime: 'lambda',
    handler: 'src/pets.get',
    timeout: 10,
    env: { TABLE_NAME: 'pets-dev-pets', GREETING: 'Hello' },
    lambda: { awsRuntime: 'nodejs20.x', frontDoor: 'rest-api', routes: ['GET /pets/{petId}'], memorySize: 512, region: 'eu-west-1' },
  });
  const listPets = parse(await readFile(join(out, 'list-pets', 'fn.yaml'), 'utf8'));
  assert.equal(listPets.lambda.frontDoor, 'http-api');
  assert.deepEqual(listPets.lambda.routes, ['GET /pets']);
  assert.equal(listPets.timeout, 5);
  // The handler code is a byte-for-byte copy.
  assert.equal(await readFile(join(out, 'get-pet', 'src', 'pets.js'), 'utf8'), await readFile(join(project, 'src', 'pets.js'), 'utf8'));
  // What could not be mapped is listed per function, not dropped.
  const keys = result.functions[1].notMapped.map((n: { key: string }) => n.key);
  assert.ok(keys.includes('functions.listPets.events[1].schedule'));
  assert.ok(keys.includes('provider.iam'));
  assert.ok(keys.includes('provider.environment.DB_PASSWORD'));

  const run = await fnRun(t, join(out, 'get-pet'));
  const res = await fetch(`${run.url}/pets/1`);
  assert.equal(res.status, 200, run.stderr());
  const body = await res.json();
  assert.deepEqual(body, { id: '1', name: 'Rex', kind: 'dog', greeting: 'Hello, Rex!', table: 'pets-dev-pets', resource: '/pets/{petId}' });
  assert.deepEqual(res.headers.getSetCookie(), ['seen=1', 'pet=1']);
  assert.equal((await fetch(`${run.url}/pets/9`)).status, 404);
  // The same running function answers the Lambda Invoke API, as AWS's SDK calls it.
  const sdk = new LambdaClient({ endpoint: run.url, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  const invoked = await sdk.send(new InvokeCommand({ FunctionName: 'get-pet', Payload: Buffer.from(JSON.stringify({ pathParameters: { petId: '2' }, resource: '/pets/{petId}' })) }));
  sdk.destroy();
  assert.equal(invoked.StatusCode, 200);
  assert.equal(invoked.ExecutedVersion, '$LATEST');
  const proxy = JSON.parse(Buffer.from(invoked.Payload!).toString());
  assert.equal(proxy.statusCode, 200);
  assert.equal(JSON.parse(proxy.body).name, 'Tom');
  await run.stop();
});

test('fn import refuses to overwrite, and --dry-run writes nothing', async (t) => {
  const project = await exampleCopy(t, 'lambda-serverless-import');
  const dry = await fn(['import', project, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would import 2 of 2 function\(s\)/);
  assert.match(dry.stdout, /schedule \(rate\(1 hour\)\): use a Knative PingSource/);
  await assert.rejects(readFile(join(project, 'fnkit', 'get-pet', 'fn.yaml')), { code: 'ENOENT' });
  assert.equal((await fn(['import', project])).code, 0);
  const again = await fn(['import', project]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already hold files; fn import does not overwrite them \[FN_ERR_IMPORT_TARGET_EXISTS\]/);
  assert.equal((await fn(['import', project, '--force'])).code, 0);
});
