// A streamed result (awslambda.streamifyResponse) as a chunked HTTP response: the prelude of
// HttpResponseStream.from gives status, headers and one Set-Cookie per cookie, as a Function
// URL in RESPONSE_STREAM mode does (specs/lambda.md §3.11). Pure.
import type { RuntimeResponse } from '../../types.js';
import type { StreamedResult } from '../types.js';
import { ResponseHeaders, statusOf } from './http.js';

export function streamResponse(s: StreamedResult): RuntimeResponse {
  const h = new ResponseHeaders();
  for (const [k, v] of Object.entries(s.prelude?.headers ?? {})) h.add(k, v);
  for (const c of s.prelude?.cookies ?? []) h.add('set-cookie', c);
  if (!h.has('content-type')) h.add('content-type', 'application/octet-stream');
  return { kind: 'response', status: statusOf(s.prelude?.statusCode) ?? 200, headers: h.toHeaders(), body: s.body };
}
