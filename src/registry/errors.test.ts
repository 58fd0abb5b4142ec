import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeErrorBody, REGISTRY_ERROR_CODES } from './errors.js';

const here = dirname(fileURLToPath(import.meta.url));

test('every error code this area throws is listed, and documented in docs/registry.md', () => {
  const listed = new Set(Object.keys(REGISTRY_ERROR_CODES));
  const thrown = new Set<string>();
  for (const f of readdirSync(here).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    for (const m of readFileSync(join(here, f), 'utf8').matchAll(/'(FN_ERR_[A-Z_]+)'/g)) thrown.add(m[1]!);
  }
  for (const code of thrown) assert.ok(listed.has(code), `${code} is thrown but not in REGISTRY_ERROR_CODES`);
  const doc = readFileSync(join(here, '..', '..', 'docs', 'registry.md'), 'utf8');
  for (const code of listed) assert.ok(doc.includes(`\`${code}\``), `${code} is not documented in docs/registry.md`);
});

test('describeErrorBody: the distribution errors[] on one line, else a short excerpt', () => {
  const cases: Array<[string | undefined, string]> = [
    ['{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v2"}}]}', 'MANIFEST_UNKNOWN: manifest unknown ({"Tag":"v2"})'],
    ['{"errors":[{"code":"DENIED","message":"no"},{"code":"UNAUTHORIZED","message":"who","detail":"x"}]}', 'DENIED: no; UNAUTHORIZED: who (x)'],
    ['<html>\n  <body>Bad   Gateway</body></html>', '<html> <body>Bad Gateway</body></html>'],
    ['{"errors":[]}', '{"errors":[]}'],
    ['', ''],
    [undefined, ''],
    ['x'.repeat(400), 'x'.repeat(300) + '...'],
  ];
  for (const [body, want] of cases) assert.equal(describeErrorBody(body), want);
});
