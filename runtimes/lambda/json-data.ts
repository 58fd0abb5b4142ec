// Whether a value is already exactly what JSON.parse(JSON.stringify(value)) would give: plain
// objects and arrays of strings, finite numbers, booleans and null, no undefined members, no
// toJSON, not deeper than JSON_DEPTH. Such an event can be handed to a handler on the same thread
// as built (the front doors build a new one per invocation) instead of crossing as JSON text: the
// handler sees the same values and keys in the same order. Anything else takes the JSON path.
const JSON_DEPTH = 64;

export function isJsonData(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (depth >= JSON_DEPTH) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isJsonData(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      if ('toJSON' in (v as object)) return false;
      for (const key in v as Record<string, unknown>) {
        if (!Object.prototype.hasOwnProperty.call(v, key)) return false;
        if (!isJsonData((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      // Symbol keys are dropped by JSON: not plain data. (Non-enumerable properties are not
      // seen here and are dropped by JSON too, so the handler may see one a worker would not.)
      return Object.getOwnPropertySymbols(v).length === 0;
    }
    default:
      return false;
  }
}

/** jsonCopy's answer when the value is not plain data: take the exact JSON path instead. */
export const NOT_PLAIN: unique symbol = Symbol('not plain JSON data');

/**
 * JSON.parse(JSON.stringify(v)) for plain data, without the text: objects whose prototype is
 * Object.prototype or null, arrays, strings, finite numbers, booleans and null, copied as JSON
 * would (undefined, function and symbol members dropped from objects and null in arrays, -0 as 0,
 * a top-level undefined as null). NOT_PLAIN for anything else (a toJSON method, a class
 * instance, a non-finite number, a BigInt, a cycle or JSON_DEPTH levels), and when the text
 * could exceed `maxBytes`: the caller then serializes for real and gets JSON's own answer and
 * the exact size. The copy is the handler's result as it was when it completed, whatever the
 * handler does with its object afterwards.
 */
export function jsonCopy(v: unknown, maxBytes: number): unknown {
  const budget = { left: maxBytes };
  const out = copy(v === undefined ? null : v, 0, budget);
  return out;
}

function copy(v: unknown, depth: number, budget: { left: number }): unknown {
  switch (typeof v) {
    case 'string':
      // At most 6 bytes per UTF-16 unit (a \uXXXX escape), plus the quotes.
      if ((budget.left -= 6 * v.length + 2) < 0) return NOT_PLAIN;
      return v;
    case 'boolean':
      budget.left -= 5;
      return v;
    case 'number':
      if (!Number.isFinite(v)) return NOT_PLAIN;
      budget.left -= 24;
      return v === 0 ? 0 : v;
    case 'object': {
      if (v === null) {
        budget.left -= 4;
        return null;
      }
      if (depth >= JSON_DEPTH) return NOT_PLAIN;
      if ((budget.left -= 2) < 0) return NOT_PLAIN;
      if (Array.isArray(v)) {
        const n = v.length;
        const arr: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const x = v[i];
          const t = typeof x;
          const c = x === undefined || t === 'function' || t === 'symbol' ? null : copy(x, depth + 1, budget);
          if (c === NOT_PLAIN) return NOT_PLAIN;
          arr[i] = c;
          budget.left -= 1;
        }
        return budget.left < 0 ? NOT_PLAIN : arr;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return NOT_PLAIN;
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return NOT_PLAIN;
      const o: Record<string, unknown> = {};
      // for-in with an own check is Object.keys without the array; the order is the same.
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        const x = (v as Record<string, unknown>)[k];
        const t = typeof x;
        if (x === undefined || t === 'function' || t === 'symbol') continue;
        const c = copy(x, depth + 1, budget);
        if (c === NOT_PLAIN) return NOT_PLAIN;
        if ((budget.left -= 6 * k.length + 4) < 0) return NOT_PLAIN;
        if (k === '__proto__') Object.defineProperty(o, k, { value: c, enumerable: true, writable: true, configurable: true });
        else o[k] = c;
      }
      return o;
    }
    default:
      // bigint throws in JSON; undefined, functions and symbols at the top are handled above.
      return NOT_PLAIN;
  }
}
