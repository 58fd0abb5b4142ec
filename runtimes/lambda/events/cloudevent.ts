// CloudEvents in (issue 3): the event's `data` is the Lambda event, so an SQS-, S3- or
// EventBridge-shaped handler can subscribe to Knative events; the event's attributes reach the
// handler as context.clientContext.custom (what TriggerMesh KLR passed as client context). The
// result is returned as a value, which the invoker encodes as the reply event in the request's
// mode; nothing (undefined/null) means no reply. Errors are 5xx so a broker retries. Pure.
import type { CloudEvent } from 'cloudevents';
import type { RuntimeResponse, RuntimeValue } from '../../types.js';
import { jsonResponse } from './http.js';

export function cloudEventToLambdaEvent(ce: CloudEvent<unknown>): unknown {
  const data = ce.data;
  if (data === undefined) return {};
  if (data instanceof Uint8Array) return Buffer.from(data).toString('base64');
  if (typeof data === 'string') {
    try {
      return JSON.parse(data);
    } catch {
      return data;
    }
  }
  return data;
}

/** The event's context attributes and extensions, without its data. */
export function cloudEventAttributes(ce: CloudEvent<unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ce.toJSON ? (ce.toJSON() as Record<string, unknown>) : (ce as unknown as Record<string, unknown>))) {
    if (k === 'data' || k === 'data_base64' || v === undefined) continue;
    out[k] = v;
  }
  return out;
}

export function cloudEventResult(result: unknown): RuntimeValue {
  return { kind: 'value', value: result === null ? undefined : result };
}

export function cloudEventError(timeout: boolean): RuntimeResponse {
  return timeout ? jsonResponse(504, { message: 'Function timed out' }) : jsonResponse(500, { message: 'Internal Server Error' });
}
