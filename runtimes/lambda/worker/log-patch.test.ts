import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatJsonLine, formatTextLine, patchConsole } from './log-patch.js';

test('text lines: tab-separated, newlines become \\r', () => {
  assert.equal(formatTextLine('T', 'rid', 'INFO', 'a\nb\nc'), 'T\trid\tINFO\ta\rb\rc');
  assert.equal(formatTextLine('T', undefined, 'WARN', 'x'), 'T\tundefined\tWARN\tx');
});

test('JSON lines carry the error fields when an Error is logged', () => {
  const e = new TypeError('bad');
  const rec = JSON.parse(formatJsonLine('T', 'rid', 'ERROR', ['failed:', e]));
  assert.equal(rec.timestamp, 'T');
  assert.equal(rec.level, 'ERROR');
  assert.equal(rec.requestId, 'rid');
  assert.match(rec.message, /^failed: TypeError: bad/);
  assert.equal(rec.errorType, 'TypeError');
  assert.equal(rec.errorMessage, 'bad');
  assert.ok(Array.isArray(rec.stackTrace));
});

test('patched console maps methods to levels and filters JSON by level', () => {
  const saved = { ...console };
  const lines: string[] = [];
  try {
    const state = { requestId: 'r1' as string | undefined };
    patchConsole(state, { write: (l) => lines.push(l) }, { format: 'Text' });
    console.log('n=%d', 5);
    console.info('i');
    console.warn('w');
    console.error('e');
    console.debug('d');
    console.trace('t');
    (console as any).fatal('f');
    state.requestId = 'r2';
    console.log({ a: 1 });
    const levels = lines.map((l) => l.split('\t').slice(1, 4));
    assert.deepEqual(levels, [
      ['r1', 'INFO', 'n=5'],
      ['r1', 'INFO', 'i'],
      ['r1', 'WARN', 'w'],
      ['r1', 'ERROR', 'e'],
      ['r1', 'DEBUG', 'd'],
      ['r1', 'TRACE', 't'],
      ['r1', 'FATAL', 'f'],
      ['r2', 'INFO', '{ a: 1 }'],
    ]);
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t/);
    lines.length = 0;
    patchConsole(state, { write: (l) => lines.push(l) }, { format: 'JSON', level: 'WARN' });
    console.info('hidden');
    console.warn('shown');
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).message, 'shown');
  } finally {
    Object.assign(console, saved);
  }
});
