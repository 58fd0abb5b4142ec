// The request view a node handler receives: method, path, query, headers and the body decoded
// by Content-Type (JSON → value, text and forms → string, anything else → bytes). Query parsing
// is deferred to the first read of `query`.
import type { Readable } from 'node:stream';
import type { RuntimeRequest } from '../types.js';
import { HttpFailure } from '../../invoker/errors.js';
import { decodeText, isJsonType, isTextType, mediaType } from '../../invoker/media.js';

export type Query = Record<string, string | string[]>;

/** Decodes body bytes by their Content-Type. Empty bodies are undefined. Malformed JSON is a 400. */
export function decodeBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  if (body === undefined || body.length === 0) return undefined;
  const mt = mediaType(contentType);
  if (mt === '') return body;
  if (isJsonType(mt)) {
    const text = decodeText(body, contentType);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new HttpFailure(400, 'FN_ERR_BAD_JSON', `the request body is not valid JSON (Content-Type: ${contentType}): ${(e as Error).message}`, {
        hint: 'send well-formed JSON, or another Content-Type for other data',
      });
    }
  }
  if (isTextType(mt)) return decodeText(body, contentType);
  return body;
}

export function parseQuery(raw: string): Query {
  const out: Query = {};
  if (raw === '') return out;
  for (const [k, v] of new URLSearchParams(raw)) {
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev, v];
  }
  return out;
}

export class HandlerRequest {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly headers: RuntimeRequest['headers'];
  /** The decoded body (for a CloudEvent request: the event's data; for a batch: the list of data). */
  readonly body: unknown;
  /** The body bytes as received (undefined for streamed or empty bodies). */
  readonly rawBody: Buffer | undefined;
  /** The body as a stream, when the module exports config = { body: 'stream' }. */
  readonly stream: Readable | undefined;
  private q: Query | undefined;
  private readonly rawQuery: string;

  constructor(req: RuntimeRequest, body: unknown) {
    this.method = req.method;
    this.path = req.path;
    this.url = req.url;
    this.headers = req.headers;
    this.body = body;
    this.rawBody = req.body;
    this.stream = req.stream;
    this.rawQuery = req.rawQuery;
  }

  get query(): Query {
    return (this.q ??= parseQuery(this.rawQuery));
  }
}
