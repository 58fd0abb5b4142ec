import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MalformedHandlerName, parseHandlerName, resolveExport } from './handler-name.js';

test('handler strings split as the RIC splits them', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['index.handler', '', 'index', ['handler']],
    ['app.lambdaHandler', '', 'app', ['lambdaHandler']],
    ['src/app.handler', 'src/', 'app', ['handler']],
    ['a/b/c/fn.handlers.get', 'a/b/c/', 'fn', ['handlers', 'get']],
    ['index.default', '', 'index', ['default']],
    // the first dot of the basename splits: "my.module.handler" is module "my"
    ['my.module.handler', '', 'my', ['module', 'handler']],
    ['/abs/path/index.handler', '/abs/path/', 'index', ['handler']],
    ['dir.with.dots/index.handler', 'dir.with.dots/', 'index', ['handler']],
    ['.handler', '', '', ['handler']],
    ['index.', '', 'index', ['']],
  ];
  for (const [full, root, mod, path] of cases) {
    assert.deepEqual(parseHandlerName(full), { moduleRoot: root, module: mod, exportPath: path }, full);
  }
});

test('malformed handler names fail with AWS type and message', () => {
  const cases: Array<[string, RegExp]> = [
    ['index', /^Bad handler$/],
    ['src/index', /^Bad handler$/],
    ['', /^Bad handler$/],
    ['dir.x/index', /^Bad handler$/],
    ['../up.handler', /^'\.\.\/up\.handler' is not a valid handler name\. Use absolute paths/],
    ['a/../b.handler', /is not a valid handler name/],
    ['index..handler', /is not a valid handler name/],
  ];
  for (const [full, msg] of cases) {
    assert.throws(
      () => parseHandlerName(full),
      (e: unknown) => e instanceof MalformedHandlerName && e.name === 'Runtime.MalformedHandlerName' && msg.test(e.message),
      full,
    );
  }
});

test('export paths resolve like nested && nested[key]', () => {
  const fn = () => 1;
  const mod = { handler: fn, handlers: { get: fn }, zero: 0, nil: null };
  assert.equal(resolveExport(mod, ['handler']), fn);
  assert.equal(resolveExport(mod, ['handlers', 'get']), fn);
  assert.equal(resolveExport(mod, ['missing']), undefined);
  assert.equal(resolveExport(mod, ['missing', 'deeper']), undefined);
  assert.equal(resolveExport(mod, ['nil', 'x']), null);
  assert.equal(resolveExport(mod, ['zero']), 0);
  assert.equal(resolveExport(mod, ['zero', 'x']), 0);
});
