// Raw mode: the request body is the event, parsed as JSON as Lambda's Invoke API parses its
// payload; the result is the JSON response. No body is the event {}. A body that is not JSON
// is refused as the Invoke API refuses it (InvalidRequestContentException). Errors are 502
// with a generic body and X-Amz-Function-Error; the error itself goes to the log only.
import type { RuntimeRequest, RuntimeResponse } from '../../types.js';
import { type EventOrResponse, type MappedResult, jsonResponse } from './http.js';

export function rawEvent(req: RuntimeRequest): EventOrResponse {
  if (!req.body || req.body.length === 0) return { event: {} };
  try {
    return { event: JSON.parse(req.body.toString('utf8')) };
  } catch (e) {
    return {
      response: jsonResponse(400, {
        errorType: 'InvalidRequestContentException',
        errorMessage: `Could not parse request body into json: ${(e as Error).message}`,
      }),
    };
  }
}

export function rawResult(result: unknown): MappedResult {
  return { response: { kind: 'response', status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result ?? null) } };
}

export function rawError(): RuntimeResponse {
  return jsonResponse(502, { message: 'Internal Server Error' }, { 'x-amz-function-error': 'Unhandled' });
}
