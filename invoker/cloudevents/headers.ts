// ce-* header value coding, HTTP binding §3.1.3.2 (specs/cloudevents.md §2.2). The SDK does
// neither direction (SDK fault 4), so this is ours. Pure.

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export class HeaderDecodeError extends Error {}

/** Undo RFC 7230 quoted-string escaping, then exactly one round of percent-decoding. */
export function decodeHeaderValue(raw: string): string {
  let s = raw;
  if (s.length >= 2 && s.charCodeAt(0) === 34 && s.charCodeAt(s.length - 1) === 34) {
    s = s.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  // Fast path: nothing to decode and plain ASCII.
  if (!/[%\u0080-\uffff]/.test(s)) return s;
  // Node reads header bytes as latin1, so a sender that put raw UTF-8 in the header (sdk-go)
  // still round-trips through these bytes.
  const src = Buffer.from(s, 'latin1');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25) {
      const hex = src.toString('latin1', i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new HeaderDecodeError(`"%${hex}" is not a percent-encoded byte`);
      out[n++] = parseInt(hex, 16);
      i += 2;
    } else out[n++] = b;
  }
  try {
    return UTF8.decode(out.subarray(0, n));
  } catch {
    throw new HeaderDecodeError('the percent-decoded bytes are not valid UTF-8');
  }
}

/** Percent-encode space, '"', '%' and everything outside U+0021–U+007E, as UTF-8, upper-case hex. */
export function encodeHeaderValue(value: string): string {
  if (/^[\x21\x23\x24\x26-\x7e]*$/.test(value)) return value;
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x21 && c <= 0x7e && c !== 0x22 && c !== 0x25) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
