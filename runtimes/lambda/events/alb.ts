// Application Load Balancer target (specs/lambda.md §3.8). Multi-value off (default): `headers`
// and `queryStringParameters` with the last value; on: only `multiValueHeaders` and
// `multiValueQueryStringParameters`. Query strings are NOT URL-decoded. Header names lower
// case; body "" when absent; base64 when content-encoding is set or the type is not text.
// Request body and response JSON capped at 1 MB. Result: statusCode, statusDescription,
// headers OR multiValueHeaders (whichever mode is on), body, isBase64Encoded. Errors: 502.
import { STATUS_CODES } from 'node:http';
import type { RuntimeRequest, RuntimeResponse } from '../../types.js';
import {
  type DoorContext,
  type EventOrResponse,
  type MappedResult,
  ResponseHeaders,
  allValues,
  encodeBody,
  header,
  headerPairs,
  isPlainObject,
  isTextMediaType,
  lastValues,
  queryPairs,
  resultBody,
  statusOf,
} from './http.js';
import { describe } from './apigw-v1.js';

export const ALB_LIMIT = 1024 * 1024;

function htmlError(status: number): RuntimeResponse {
  const title = `${status} ${STATUS_CODES[status]}`;
  return {
    kind: 'response',
    status,
    headers: { 'content-type': 'text/html' },
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`,
  };
}

export function albEvent(req: RuntimeRequest, c: DoorContext): EventOrResponse {
  if (req.body && req.body.length > ALB_LIMIT) return { response: htmlError(413) };
  const pairs = headerPairs(req).map(([k, v]): [string, string] => [k.toLowerCase(), v]);
  const query = queryPairs(req.rawQuery, true);
  const hasBody = !!req.body && req.body.length > 0;
  const base64 = hasBody && (header(req, 'content-encoding') !== undefined || !isTextMediaType(header(req, 'content-type')));
  const event: Record<string, unknown> = {
    requestContext: { elb: { targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${c.accountId}:targetgroup/${c.name}/${c.requestId.replace(/-/g, '').slice(0, 16)}` } },
    httpMethod: req.method,
    path: req.path || '/',
  };
  if (c.multiValueHeaders) {
    event.multiValueQueryStringParameters = allValues(query);
    event.multiValueHeaders = allValues(pairs);
  } else {
    event.queryStringParameters = lastValues(query);
    event.headers = lastValues(pairs);
  }
  event.body = hasBody ? encodeBody(req.body, base64) : '';
  event.isBase64Encoded = base64;
  return { event };
}

export function albResult(result: unknown, c: Pick<DoorContext, 'multiValueHeaders'>): MappedResult {
  const fail = (why: string): MappedResult => ({ response: htmlError(502), problem: `Invalid ALB Lambda response: ${why}` });
  if (!isPlainObject(result)) return fail(`expected an object with statusCode, got ${describe(result)}`);
  const size = Buffer.byteLength(JSON.stringify(result));
  if (size > ALB_LIMIT) return fail(`the response is ${size} bytes; an ALB accepts at most 1 MB`);
  const status = statusOf(result.statusCode);
  if (status === undefined) return fail(`statusCode must be an HTTP status number, got ${JSON.stringify(result.statusCode)}`);
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return fail(`body must be a string, got ${describe(result.body)}`);
  }
  const h = new ResponseHeaders();
  // Only the kind that matches the target group's setting is read (ALB doc: "you must use…").
  if (c.multiValueHeaders) {
    const mv = result.multiValueHeaders;
    if (mv !== undefined && mv !== null) {
      if (!isPlainObject(mv)) return fail('multiValueHeaders must be an object of string lists');
      for (const [k, list] of Object.entries(mv)) {
        if (!Array.isArray(list)) return fail(`multiValueHeaders ${JSON.stringify(k)} must be a list`);
        for (const v of list) if (!h.add(k, v)) return fail(`multiValueHeaders ${JSON.stringify(k)} must hold strings`);
      }
    }
  } else if (result.headers !== undefined && result.headers !== null) {
    if (!isPlainObject(result.headers)) return fail('headers must be an object of strings');
    for (const [k, v] of Object.entries(result.headers)) if (!h.add(k, v)) return fail(`header ${JSON.stringify(k)} must be a string`);
  }
  return { response: { kind: 'response', status, headers: h.toHeaders(), body: resultBody(result.body, result.isBase64Encoded === true) } };
}

export function albError(): RuntimeResponse {
  return htmlError(502);
}
