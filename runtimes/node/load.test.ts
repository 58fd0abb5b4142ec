import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from './load.js';

test('what gets called', () => {
  const h = () => 1;
  const cases: Array<[Record<string, unknown>, 'handler' | 'fetch', boolean]> = [
    [{ default: h }, 'handler', false],
    [{ handler: h }, 'handler', false],
    [{ default: h, handler: () => 2 }, 'handler', false],
    [{ default: { fetch: () => new Response('') } }, 'fetch', false],
    [{ fetch: () => new Response('') }, 'fetch', false],
    [{ default: h, config: { body: 'stream' } }, 'handler', true],
    [{ default: h, config: { body: 'buffer' } }, 'handler', false],
  ];
  for (const [mod, kind, stream] of cases) {
    const m = loadModule(mod);
    assert.equal(m.kind, kind, Object.keys(mod).join());
    assert.equal(m.streamBody, stream);
  }
  const withHooks = loadModule({ default: h, init: () => 1, shutdown: () => 2 });
  assert.equal(typeof withHooks.init, 'function');
  assert.equal(typeof withHooks.shutdown, 'function');
});

test('a module without a handler or with a bad config says what to export', () => {
  const bad: Array<[Record<string, unknown>, string, RegExp]> = [
    [{}, 'FN_ERR_NO_HANDLER', /exports nothing/],
    [{ default: 42, helper: 'x' }, 'FN_ERR_NO_HANDLER', /default \(number\), helper \(string\)/],
    [{ handle: () => 1 }, 'FN_ERR_NO_HANDLER', /export default function/],
    [{ default: { fetch: 1 } }, 'FN_ERR_NO_HANDLER', /fetch app/],
    [{ default: () => 1, config: { body: 'pipe' } }, 'FN_ERR_HANDLER_CONFIG', /'stream' or 'buffer'/],
    [{ default: () => 1, config: 'stream' }, 'FN_ERR_HANDLER_CONFIG', /must be an object/],
  ];
  for (const [mod, code, re] of bad) {
    assert.throws(() => loadModule(mod), (e: Error & { code?: string }) => { assert.equal(e.code, code); assert.match(e.message, re); return true; });
  }
});
