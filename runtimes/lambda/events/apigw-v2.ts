// API Gateway HTTP API, payload format 2.0 (specs/lambda.md §3.7), also the base of the
// Function URL event (§3.9). Request: lower-cased headers, duplicates joined with ",", the
// Cookie header moved into `cookies`; rawQueryString exactly as received; decoded query values
// with duplicates comma-joined; empty collections absent; the body base64 unless the type is
// text/*, application/json, application/javascript or application/xml. Result: the full form
// (statusCode, headers, cookies, body, isBase64Encoded) or, without statusCode, 2.0's inference
// (200, application/json, the value as body). A function error is 500
// {"message":"Internal Server Error"}.
import type { RuntimeRequest, RuntimeResponse } from '../../types.js';
import {
  type DoorContext,
  type EventOrResponse,
  type MappedResult,
  ResponseHeaders,
  apiGatewayTime,
  encodeBody,
  header,
  headerPairs,
  isPlainObject,
  isTextMediaType,
  jsonResponse,
  ownValue,
  ownValueLower,
  queryPairs,
  setOwn,
  resultBody,
  statusOf,
} from './http.js';
import { routePath, type RoutedPath } from './stage.js';
import { describe } from './apigw-v1.js';

export const HTTP_API_ERROR = { message: 'Internal Server Error' };
export const HTTP_API_NOT_FOUND = { message: 'Not Found' };

export interface V2Options {
  /** Function URLs keep the Cookie header next to `cookies` (hattipjs/hattip#159). */
  keepCookieHeader: boolean;
  routeKey: (routed: RoutedPath) => string;
  requestContext: (req: RuntimeRequest, c: DoorContext, routeKey: string, stage: string, routed: RoutedPath) => Record<string, unknown>;
  stage: string;
  pathParameters: boolean;
}

/** One header into the 2.0 maps: lower-cased, repeats joined with ",", cookies split out. */
function addHeader(headers: Record<string, string>, cookies: string[], keepCookieHeader: boolean, rawName: string, value: string): void {
  const name = rawName.toLowerCase();
  if (name === 'cookie') {
    for (const c of value.split(';')) if (c.trim()) cookies.push(c.trim());
    if (!keepCookieHeader) return;
  }
  const had = ownValueLower(headers, name);
  setOwn(headers, name, had === undefined ? value : `${had},${value}`);
}

export function v2Event(req: RuntimeRequest, c: DoorContext, o: V2Options, routed: RoutedPath): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const raw = req.rawHeaders;
  if (raw.length > 0) for (let i = 0; i + 1 < raw.length; i += 2) addHeader(headers, cookies, o.keepCookieHeader, raw[i]!, raw[i + 1]!);
  else for (const [k, v] of headerPairs(req)) addHeader(headers, cookies, o.keepCookieHeader, k, v);
  let query: Record<string, string> | undefined;
  if (req.rawQuery) {
    query = {};
    for (const [k, v] of queryPairs(req.rawQuery)) {
      const had = ownValue(query, k);
      setOwn(query, k, had === undefined ? v : `${had},${v}`);
    }
  }
  const routeKey = o.routeKey(routed);
  const hasBody = !!req.body && req.body.length > 0;
  const base64 = hasBody && !isTextMediaType(header(req, 'content-type'));
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey,
    rawPath: routed.fullPath,
    rawQueryString: req.rawQuery,
  };
  if (cookies.length) event.cookies = cookies;
  event.headers = headers;
  if (query && Object.keys(query).length) event.queryStringParameters = query;
  event.requestContext = o.requestContext(req, c, routeKey, o.stage, routed);
  if (hasBody) event.body = encodeBody(req.body, base64);
  if (o.pathParameters && routed.match && Object.keys(routed.match.params).length) event.pathParameters = routed.match.params;
  event.isBase64Encoded = base64;
  return event;
}

export function httpContext(req: RuntimeRequest, c: DoorContext, routeKey: string, stage: string, routed: RoutedPath): Record<string, unknown> {
  const host = header(req, 'host') ?? req.host;
  const dot = host.indexOf('.');
  return {
    accountId: c.accountId,
    apiId: c.name,
    domainName: host,
    domainPrefix: dot < 0 ? host : host.slice(0, dot),
    http: {
      method: req.method,
      path: routed.fullPath,
      protocol: 'HTTP/1.1',
      sourceIp: req.remoteAddress,
      userAgent: header(req, 'user-agent') ?? '',
    },
    requestId: c.requestId,
    routeKey,
    stage,
    time: apiGatewayTime(c.now),
    timeEpoch: c.now,
  };
}

// Fixed per door: not rebuilt for every request.
const HTTP_API_V2: Omit<V2Options, 'stage'> = {
  keepCookieHeader: false,
  pathParameters: true,
  routeKey: (r) => r.match?.route.key ?? '$default',
  requestContext: httpContext,
};
const HTTP_API_DEFAULT_STAGE: V2Options = { ...HTTP_API_V2, stage: '$default' };

export function httpApiEvent(req: RuntimeRequest, c: DoorContext): EventOrResponse {
  const routed = routePath(req.path, req.method, c.stage, c.routes);
  if (!routed) return { response: jsonResponse(404, HTTP_API_NOT_FOUND) };
  const o = c.stage === undefined ? HTTP_API_DEFAULT_STAGE : { ...HTTP_API_V2, stage: c.stage };
  return { event: v2Event(req, c, o, routed) };
}

/**
 * Maps a 2.0 result. `stringBody`: how an inferred string becomes the body: HTTP API sends it
 * as is, a Function URL JSON-encodes it (their docs differ; specs/lambda.md §3.7, §6 q.1).
 */
export function v2Result(result: unknown, stringBody: 'raw' | 'json', errorStatus: number): MappedResult {
  if (!isPlainObject(result) || result.statusCode === undefined) {
    // 2.0 inference: a valid JSON value without statusCode is the body of a 200.
    const body = typeof result === 'string' && stringBody === 'raw' ? result : JSON.stringify(result);
    return { response: { kind: 'response', status: 200, headers: { 'content-type': 'application/json' }, body } };
  }
  const fail = (why: string): MappedResult => ({ response: jsonResponse(errorStatus, HTTP_API_ERROR), problem: `Malformed Lambda response: ${why}` });
  const status = statusOf(result.statusCode);
  if (status === undefined) return fail(`statusCode must be an HTTP status number, got ${JSON.stringify(result.statusCode)}`);
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return fail(`body must be a string (JSON.stringify it), got ${describe(result.body)}`);
  }
  const h = new ResponseHeaders();
  if (result.headers !== undefined && result.headers !== null) {
    if (!isPlainObject(result.headers)) return fail('headers must be an object of strings');
    const given = result.headers;
    for (const k in given) {
      if (Object.prototype.hasOwnProperty.call(given, k) && !h.add(k, given[k])) return fail(`header ${JSON.stringify(k)} must be a string`);
    }
  }
  if (result.cookies !== undefined && result.cookies !== null) {
    if (!Array.isArray(result.cookies) || !result.cookies.every((x) => typeof x === 'string')) return fail('cookies must be a list of strings');
    for (const cookie of result.cookies) h.add('set-cookie', cookie);
  }
  // isBase64Encoded: true -> always decoded, whatever the type (§3.7).
  return { response: { kind: 'response', status, headers: h.toHeaders(), body: resultBody(result.body, result.isBase64Encoded === true) } };
}

export function httpApiResult(result: unknown): MappedResult {
  return v2Result(result, 'raw', 500);
}

export function httpApiError(): RuntimeResponse {
  return jsonResponse(500, HTTP_API_ERROR);
}
