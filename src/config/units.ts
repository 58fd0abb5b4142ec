// Sizes and durations as users write them in fn.yaml and flags: "6mb", "512kb", 1048576;
// "300s", "5m", "1500ms", 30 (seconds).

const BYTE_UNITS: Record<string, number> = {
  b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3,
};

/** Bytes from a number or a string with a unit (binary multiples). Throws with the accepted forms. */
export function parseBytes(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value > 0) return value;
    throw new Error(`expected a positive whole number of bytes or a size like "6mb", got ${value}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = m?.[2]?.toLowerCase() ?? '';
  const mult = BYTE_UNITS[unit || 'b'];
  if (!m || mult === undefined) {
    throw new Error(`expected a size like "6mb", "512kb" or a number of bytes, got "${value}"`);
  }
  const n = Math.round(Number(m[1]) * mult);
  if (n <= 0) throw new Error(`expected a size above zero, got "${value}"`);
  return n;
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** Seconds (possibly fractional) from a number of seconds or a string like "300s", "5m", "250ms". */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value;
    throw new Error(`expected a positive number of seconds or a duration like "30s", got ${value}`);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value);
  if (!m) throw new Error(`expected a duration like "30s", "5m", "1500ms" or a number of seconds, got "${value}"`);
  const n = Number(m[1]) * DURATION_UNITS[(m[2] ?? 's').toLowerCase()]!;
  if (n <= 0) throw new Error(`expected a duration above zero, got "${value}"`);
  return n;
}
