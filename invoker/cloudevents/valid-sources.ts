// Sources the SDK's schema check has already accepted. Of the attributes every event carries,
// only `source` has a format the schema checks (uri-reference, specs/cloudevents.md §1 and the
// SDK's v1 schema); the rest are non-empty strings, which parse.ts checks itself. A sender uses
// the same few sources for every event, so an event with nothing but the required attributes
// (and a datacontenttype) whose source passed once can skip ajv: the answer would be the same.
// One instance per invoker (no module state); bounded so a sender inventing sources cannot
// grow it.
export class ValidSources {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 256) {}

  has(source: string): boolean {
    return this.seen.has(source);
  }

  add(source: string): void {
    if (this.seen.size >= this.max) this.seen.clear();
    this.seen.add(source);
  }

  get size(): number {
    return this.seen.size;
  }
}

const PLAIN = new Set(['specversion', 'id', 'source', 'type', 'datacontenttype']);

/**
 * True when the schema's verdict on this event depends on `source` alone: only the required
 * attributes (already checked to be non-empty strings) and a non-empty string datacontenttype.
 */
export function onlyPlainAttributes(ev: Record<string, unknown>): boolean {
  for (const k in ev) {
    if (k === 'data') continue;
    if (!PLAIN.has(k)) return false;
  }
  const dct = ev.datacontenttype;
  return dct === undefined || (typeof dct === 'string' && dct.length > 0);
}
