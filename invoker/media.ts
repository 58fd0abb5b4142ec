// Content-Type handling shared by body decoding and CloudEvents: media types compare
// case-insensitively, parameters included (CloudEvents spec §datacontenttype, RFC 2045).

/** The lower-cased media type without parameters: "Application/JSON; charset=UTF-8" → "application/json". */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const i = contentType.indexOf(';');
  return (i === -1 ? contentType : contentType.slice(0, i)).trim().toLowerCase();
}

// "x/json" and "x/y+json" (JSON format §3.1, "data" handling).
export function isJsonType(mt: string): boolean {
  return mt === 'application/json' || mt.endsWith('/json') || mt.endsWith('+json');
}

/** Media types whose bytes a handler wants as a string. */
export function isTextType(mt: string): boolean {
  return mt.startsWith('text/') || mt === 'application/x-www-form-urlencoded' || mt === 'application/xml' || mt.endsWith('+xml')
    || mt === 'application/javascript' || mt === 'application/graphql';
}

/** The charset parameter, lower-cased, or undefined. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Decodes text bytes in the declared charset (utf-8 when absent; latin1 and utf-16le as node knows them). */
export function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const cs = charsetOf(contentType);
  if (cs === undefined || cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii') return bytes.toString('utf8');
  if (cs === 'iso-8859-1' || cs === 'latin1') return bytes.toString('latin1');
  if (cs === 'utf-16le') return bytes.toString('utf16le');
  try { return new TextDecoder(cs).decode(bytes); } catch { return bytes.toString('utf8'); }
}
