// The metadata prelude of a streamed HTTP response (awslambda.HttpResponseStream.from): the
// Node worker pool and the Runtime API's streaming wire both hand it to the front doors in this
// one shape, strings only.
import type { StreamedResult } from './types.js';

/** The HttpResponseStream prelude as the seam's StreamedResult.prelude (strings only). */
export function preludeOf(p: Record<string, unknown>): NonNullable<StreamedResult['prelude']> {
  const out: NonNullable<StreamedResult['prelude']> = {};
  if (p.statusCode !== undefined) out.statusCode = Number(p.statusCode);
  if (p.headers && typeof p.headers === 'object') {
    out.headers = Object.fromEntries(Object.entries(p.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  }
  if (Array.isArray(p.cookies)) out.cookies = p.cookies.map(String);
  return out;
}
