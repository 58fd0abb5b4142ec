import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs build script without types
import { generatedModule, workerSourceText } from './build.mjs';

test('bundle.generated.ts is the current build of worker/*.ts (run node runtimes/lambda/worker/build.mjs)', async () => {
  const committed = readFileSync(fileURLToPath(new URL('./bundle.generated.ts', import.meta.url)), 'utf8');
  const fresh = generatedModule(await workerSourceText());
  assert.ok(committed === fresh, 'runtimes/lambda/worker/bundle.generated.ts is stale: run `node runtimes/lambda/worker/build.mjs` and commit it');
});
