// A handler's plain return value → HTTP status, headers and body (issue 2, "output"). Pure: no
// sockets. undefined → 204, string → text, bytes → octet-stream, streams → chunked, else JSON.
import { Readable } from 'node:stream';

export type WireBody = string | Buffer | Readable | undefined;

export interface Encoded {
  status: number;
  headers: Record<string, string | string[]>;
  body: WireBody;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const BYTES_TYPE = 'application/octet-stream';

export function isWebStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof (v as ReadableStream | null)?.getReader === 'function' && typeof (v as ReadableStream).tee === 'function';
}

export function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

/** Chunks as Buffers: strings become UTF-8, Uint8Arrays are wrapped without copying. */
async function* asBytes(src: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const c of src) {
    if (typeof c === 'string') yield Buffer.from(c);
    else if (c instanceof Uint8Array) yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    else if (c !== undefined && c !== null) yield Buffer.from(JSON.stringify(c));
  }
}

/** Any streamable body as a Node Readable of Buffers, or undefined when it is not one. */
export function toReadable(v: unknown): Readable | undefined {
  if (v instanceof Readable) return v;
  if (isWebStream(v)) return Readable.fromWeb(v as import('node:stream/web').ReadableStream<Uint8Array>);
  if (isAsyncIterable(v)) return Readable.from(asBytes(v), { objectMode: false });
  return undefined;
}

/** A body for an explicit response: objects are JSON, everything else goes as it is. */
export function encodeBody(body: unknown): { body: WireBody; type?: string } {
  if (body === undefined || body === null) return { body: undefined };
  if (typeof body === 'string') return { body, type: TEXT_TYPE };
  if (Buffer.isBuffer(body)) return { body, type: BYTES_TYPE };
  if (body instanceof Uint8Array) return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), type: BYTES_TYPE };
  if (body instanceof ArrayBuffer) return { body: Buffer.from(body), type: BYTES_TYPE };
  const stream = toReadable(body);
  if (stream) return { body: stream, type: BYTES_TYPE };
  return { body: JSON.stringify(body), type: JSON_TYPE };
}

export function encodeValue(value: unknown): Encoded {
  if (value === undefined) return { status: 204, headers: {}, body: undefined };
  if (value === null) return { status: 200, headers: { 'content-type': JSON_TYPE }, body: 'null' };
  const e = encodeBody(value);
  return { status: 200, headers: e.type ? { 'content-type': e.type } : {}, body: e.body };
}
