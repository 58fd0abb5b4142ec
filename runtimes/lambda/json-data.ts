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
