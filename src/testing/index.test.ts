// The in-process helper behaves like the invoker behind a socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testFunction } from './index.js';
import { HttpError } from '../../runtimes/node/public.js';

const mod = {
  init: async () => { initialised = true; },
  shutdown: async () => { shutDown = true; },
  default: async (req: { method: string; path: string; body: unknown; query: Record<string, unknown> }, ctx: { cloudEvent?: { type: string } }) => {
    if (req.path === '/boom') throw new Error('secret');
    if (req.path === '/teapot') throw new HttpError(418, 'short and stout');
    if (req.path === '/quiet') return undefined;
    if (ctx.cloudEvent) return { seen: ctx.cloudEvent.type, data: req.body };
    return { method: req.method, path: req.path, body: req.body, query: req.query };
  },
};
let initialised = false;
let shutDown = false;

test('requests: JSON, text, bytes, query; errors as in production', async () => {
  const fn = await testFunction(mod);
  assert.equal(initialised, true);
  const r = await fn.request({ method: 'POST', path: '/items', query: { a: '1' }, body: { x: 1 } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { method: 'POST', path: '/items', body: { x: 1 }, query: { a: '1' } });
  assert.equal(((await fn.request({ body: 'txt' })).body as { body: unknown }).body, 'txt');
  assert.equal((await fn.request({ body: new Uint8Array([1]) })).status, 200);
  assert.equal(((await fn.request({ method: 'GET' })).body as { method: string }).method, 'GET');
  const boom = await fn.request({ path: '/boom' });
  assert.equal(boom.status, 500);
  assert.match(String((boom.body as { message?: string }).message), /secret/, 'dev mode shows the message in tests');
  const tea = await fn.request({ path: '/teapot' });
  assert.equal(tea.status, 418);
  assert.equal((tea.body as { error: string }).error, 'short and stout');
  const bad = await fn.request({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{oops' });
  assert.equal(bad.status, 400);
  await fn.close();
  assert.equal(shutDown, true);
});

test('events: binary and structured, reply event decoded, nothing → 202', async () => {
  const fn = await testFunction(mod, { settings: { ceReplyType: 'reply.t', ceReplySource: '/me' } });
  const b = await fn.event({ type: 'order.created', source: '/shop', data: { id: 7 } });
  assert.equal(b.status, 200);
  assert.equal(b.event?.type, 'reply.t');
  assert.equal(b.event?.source, '/me');
  assert.deepEqual(b.event?.data, { seen: 'order.created', data: { id: 7 } });
  const s = await fn.event({ type: 'order.created', source: '/shop', data: 'x' }, { mode: 'structured' });
  assert.deepEqual((s.event?.data as { data: unknown }).data, 'x');
  const q = await fn.event({ type: 't', source: '/s' }, { path: '/quiet' });
  assert.equal(q.status, 202);
  assert.equal(q.rawBody.length, 0);
  const invalid = await fn.event({ type: '', source: '/s' });
  assert.equal(invalid.status, 400);
  await fn.close();
});

test('production mode hides internals', async () => {
  const fn = await testFunction(mod, { settings: { dev: false } });
  const boom = await fn.request({ path: '/boom' });
  assert.deepEqual(Object.keys(boom.body as object).sort(), ['error', 'requestId']);
  await fn.close();
});
