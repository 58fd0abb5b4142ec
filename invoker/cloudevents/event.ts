// Inbound events as SDK CloudEvent instances without the SDK's constructor, which invents a
// `time` and would turn a missing one into "now" (SDK fault 7). The object has the SDK prototype
// (instanceof, validate()) and its own toJSON that keeps absent attributes absent and writes bytes
// as data_base64 (JSON format §3.1).
import { CloudEvent } from 'cloudevents';

export type Attributes = Record<string, string | number | boolean>;

export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** The event in JSON format: attributes, then data or data_base64. */
export function eventToJson(ev: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(ev)) {
    const v = ev[k];
    if (k === 'data' || k === 'data_base64' || v === undefined || v === null) continue;
    out[k] = v;
  }
  if ('data' in ev && ev.data !== undefined) {
    if (isBytes(ev.data)) out.data_base64 = Buffer.from(ev.data.buffer, ev.data.byteOffset, ev.data.byteLength).toString('base64');
    else out.data = ev.data;
  } else if (typeof ev.data_base64 === 'string') out.data_base64 = ev.data_base64;
  return out;
}

function toJSON(this: Record<string, unknown>): Record<string, unknown> {
  return eventToJson(this);
}

// One prototype for every inbound event, built once: the SDK's methods plus our toJSON.
let inboundProto: object | undefined;

/** A frozen CloudEvent with exactly these attributes; `data` only when the event had data. */
export function makeEvent(attrs: Attributes, data: unknown, hasData: boolean): CloudEvent<unknown> {
  inboundProto ??= Object.create(CloudEvent.prototype, { toJSON: { value: toJSON, enumerable: false } }) as object;
  const ev = Object.create(inboundProto) as Record<string, unknown>;
  for (const k of Object.keys(attrs)) ev[k] = attrs[k];
  if (hasData) ev.data = data;
  return Object.freeze(ev) as unknown as CloudEvent<unknown>;
}

/** Something a handler returned that should go out as an event (SDK instance or plain shape). */
export function isEventLike(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.specversion === 'string' && typeof o.id === 'string' && typeof o.type === 'string' && typeof o.source === 'string';
}
