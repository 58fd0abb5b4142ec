// A response as `fn invoke` reports it: the reply CloudEvent when the function answered with one
// (binary: ce- headers, structured: application/cloudevents+json), and the body as JSON, text or
// base64 for -o json. Pure.
import { isJson, isText } from './request.js';

export interface InvokeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** CloudEvents binding §3.1.3.2 decode: quoted-string unescape, then one round of percent-decoding. */
export function decodeCeHeader(value: string): string {
  let v = value;
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export function replyEvent(res: InvokeResponse): Record<string, unknown> | undefined {
  const ct = res.headers['content-type'];
  if (ct && /^application\/cloudevents\+json\b/i.test(ct)) {
    try {
      const parsed: unknown = JSON.parse(res.body.toString('utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  if (!res.headers['ce-specversion'] && !res.headers['ce-id']) return undefined;
  const event: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(res.headers)) if (k.startsWith('ce-')) event[k.slice(3)] = decodeCeHeader(v);
  if (ct) event.datacontenttype = ct;
  if (res.body.length > 0) event.data = bodyValue(res.body, ct).value;
  return event;
}

/** The body for a JSON document: a value for JSON, a string for text, base64 otherwise. */
export function bodyValue(body: Buffer, contentType: string | undefined): { value: unknown; encoding: 'json' | 'text' | 'base64' } {
  if (body.length === 0) return { value: '', encoding: 'text' };
  if (isJson(contentType)) {
    try {
      return { value: JSON.parse(body.toString('utf8')), encoding: 'json' };
    } catch {
      // declared JSON but is not: show it as text rather than hide it
    }
  }
  if (isText(contentType) || isJson(contentType) || /^text\/event-stream/i.test(contentType ?? '') || contentType === undefined) {
    const text = body.toString('utf8');
    if (!text.includes('\uFFFD')) return { value: text, encoding: 'text' };
  }
  return { value: body.toString('base64'), encoding: 'base64' };
}

export function jsonDocument(res: InvokeResponse, url: string, sentEvent?: Record<string, unknown>): Record<string, unknown> {
  const b = bodyValue(res.body, res.headers['content-type']);
  return {
    url,
    status: res.status,
    headers: res.headers,
    body: b.value,
    bodyEncoding: b.encoding,
    event: replyEvent(res) ?? null,
    sent: sentEvent ? { event: sentEvent } : undefined,
  };
}
