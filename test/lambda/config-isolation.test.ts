// fn.yaml `lambda.isolation` as the schema checks it (src/config/schema-lambda.ts): a bad value
// is named by its field, and inline with more than one concurrent invocation is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunction } from '../../src/config/fn-yaml.js';
import { FnkitError } from '../../src/errors.js';

const yaml = (lambda: string) => `name: f\nruntime: lambda\nhandler: index.handler\nlambda:\n${lambda}`;

test('fn.yaml lambda.isolation: inline or worker', () => {
  assert.equal(parseFunction(yaml('  isolation: inline\n'), '/x/fn.yaml').lambda?.isolation, 'inline');
  assert.equal(parseFunction(yaml('  isolation: worker\n  concurrency: 8\n'), '/x/fn.yaml').lambda?.isolation, 'worker');
  // unset stays unset: the runtime chooses from concurrency
  assert.equal(parseFunction(yaml('  concurrency: 2\n'), '/x/fn.yaml').lambda?.isolation, undefined);
});

test('fn.yaml lambda.isolation: a bad value and inline with concurrency > 1 fail naming the field', () => {
  const fails = (text: string, re: RegExp) =>
    assert.throws(
      () => parseFunction(text, '/x/fn.yaml'),
      (e: unknown) => e instanceof FnkitError && e.code === 'FN_ERR_FN_YAML_INVALID' && re.test(e.message),
      text,
    );
  fails(yaml('  isolation: process\n'), /field "lambda\.isolation" must be one of "inline", "worker"/);
  fails(yaml('  isolation: inline\n  concurrency: 4\n'), /field "lambda\.concurrency" must be <= 1/);
});
