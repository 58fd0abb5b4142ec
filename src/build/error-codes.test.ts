// Every error code the build area throws is documented in docs/build.md (fastify's
// errors.test.js habit, style.md habit 1): a new code without a line in the docs fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sources = [
  ...readdirSync(join(root, 'src', 'build')).filter((f) => f.endsWith('.ts') && !f.startsWith('bundle') && !f.includes('.test')).map((f) => join(root, 'src', 'build', f)),
  ...readdirSync(join(root, 'src', 'publish')).filter((f) => f.endsWith('.ts') && !f.includes('.test')).map((f) => join(root, 'src', 'publish', f)),
  join(root, 'src', 'run', 'container.ts'),
];

test('every FN_ERR code thrown by fn build and fn run --container is in docs/build.md', () => {
  const docs = readFileSync(join(root, 'docs', 'build.md'), 'utf8');
  const codes = new Set<string>();
  for (const file of sources) {
    for (const m of readFileSync(file, 'utf8').matchAll(/new FnkitError\(\s*'(FN_ERR_[A-Z_]+)'/g)) codes.add(m[1]!);
  }
  assert.ok(codes.size >= 15, `found ${codes.size} codes`);
  const missing = [...codes].filter((c) => !docs.includes(c));
  assert.deepEqual(missing, [], `add these to the Errors table of docs/build.md: ${missing.join(', ')}`);
});
