// AWS event-stream framing (application/vnd.amazon.eventstream), what InvokeWithResponseStream
// answers with: each message is a 12-byte prelude (total length, headers length, prelude CRC32),
// typed headers, the payload and a CRC32 of the whole message (AWS "Event stream encoding";
// @smithy/eventstream-codec decodes it in the SDK). Only string headers are needed here.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE), as zlib computes it; zlib.crc32 is missing on older Node 20 releases. */
export function crc32(buf: Uint8Array, seed = 0): number {
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0; i < buf.length; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const STRING_TYPE = 7;

export function encodeMessage(headers: Record<string, string>, payload: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(STRING_TYPE, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    parts.push(h);
  }
  const head = Buffer.concat(parts);
  const total = 12 + head.length + payload.length + 4;
  const msg = Buffer.alloc(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(head.length, 4);
  msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
  head.copy(msg, 12);
  Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).copy(msg, 12 + head.length);
  msg.writeUInt32BE(crc32(msg.subarray(0, total - 4)), total - 4);
  return msg;
}

/** One InvokeWithResponseStream event: a PayloadChunk or the closing InvokeComplete. */
export function payloadChunk(bytes: Uint8Array): Buffer {
  return encodeMessage({ ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' }, bytes);
}

export function invokeComplete(detail: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string }): Buffer {
  return encodeMessage({ ':event-type': 'InvokeComplete', ':content-type': 'application/json', ':message-type': 'event' }, Buffer.from(JSON.stringify(detail)));
}

/** Decodes a buffer of whole messages (tests, and a check that framing round-trips). */
export function decodeMessages(buf: Buffer): Array<{ headers: Record<string, string>; payload: Buffer }> {
  const out: Array<{ headers: Record<string, string>; payload: Buffer }> = [];
  let at = 0;
  while (at < buf.length) {
    const total = buf.readUInt32BE(at);
    const hlen = buf.readUInt32BE(at + 4);
    const msg = buf.subarray(at, at + total);
    if (crc32(msg.subarray(0, 8)) !== msg.readUInt32BE(8)) throw new Error('event-stream prelude CRC mismatch');
    if (crc32(msg.subarray(0, total - 4)) !== msg.readUInt32BE(total - 4)) throw new Error('event-stream message CRC mismatch');
    const headers: Record<string, string> = {};
    let p = 12;
    while (p < 12 + hlen) {
      const nlen = msg.readUInt8(p);
      const name = msg.toString('utf8', p + 1, p + 1 + nlen);
      const type = msg.readUInt8(p + 1 + nlen);
      if (type !== STRING_TYPE) throw new Error(`unsupported event-stream header type ${type}`);
      const vlen = msg.readUInt16BE(p + 2 + nlen);
      headers[name] = msg.toString('utf8', p + 4 + nlen, p + 4 + nlen + vlen);
      p += 4 + nlen + vlen;
    }
    out.push({ headers, payload: Buffer.from(msg.subarray(12 + hlen, total - 4)) });
    at += total;
  }
  return out;
}
