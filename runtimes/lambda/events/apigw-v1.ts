// API Gateway REST API, Lambda proxy integration, payload format 1.0 (specs/lambda.md §3.6).
// Request: case-preserved headers with the last value in `headers` and all in
// `multiValueHeaders`; decoded query values ('+' is a space); empty collections are null;
// binary only when Content-Type is in binaryMediaTypes. Result: statusCode/headers/
// multiValueHeaders/body/isBase64Encoded; a non-string body or unknown key is a 502
// "Malformed Lambda proxy response"; a function error is 502 {"message": "Internal server error"}.
import type { RuntimeRequest, RuntimeResponse } from '../../types.js';
import type { StreamedResult } from '../types.js';
import {
  type DoorContext,
  type EventOrResponse,
  type MappedResult,
  ResponseHeaders,
  allValues,
  apiGatewayTime,
  encodeBody,
  header,
  headerPairs,
  isPlainObject,
  jsonResponse,
  lastValues,
  matchesMediaTypes,
  queryPairs,
  resultBody,
  statusOf,
} from './http.js';
import { routePath } from './stage.js';
import { streamResponse } from './stream.js';

export const REST_ERROR = { message: 'Internal server error' };
const KNOWN_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded', 'base64Encoded']);

export function restEvent(req: RuntimeRequest, c: DoorContext): EventOrResponse {
  const routed = routePath(req.path, req.method, c.stage, c.routes);
  // REST answers an unknown resource with 403 Missing Authentication Token.
  if (!routed) return { response: jsonResponse(403, { message: 'Missing Authentication Token' }) };
  const pairs = headerPairs(req);
  const query = queryPairs(req.rawQuery);
  let resource: string;
  let pathParameters: Record<string, string> | null;
  if (routed.match) {
    resource = routed.match.route.path;
    pathParameters = Object.keys(routed.match.params).length ? routed.match.params : null;
  } else if (routed.path === '/') {
    resource = '/';
    pathParameters = null;
  } else {
    // No routes configured: the whole API is one greedy proxy resource.
    resource = '/{proxy+}';
    pathParameters = { proxy: decodePath(routed.path.slice(1)) };
  }
  const base64 = !!req.body && req.body.length > 0 && matchesMediaTypes(header(req, 'content-type'), c.binaryMediaTypes);
  const stage = c.stage ?? '$default';
  const host = header(req, 'host') ?? req.host;
  return {
    event: {
      resource,
      path: routed.path,
      httpMethod: req.method,
      headers: pairs.length ? lastValues(pairs) : null,
      multiValueHeaders: pairs.length ? allValues(pairs) : null,
      queryStringParameters: query.length ? lastValues(query) : null,
      multiValueQueryStringParameters: query.length ? allValues(query) : null,
      pathParameters,
      stageVariables: null,
      requestContext: {
        accountId: c.accountId,
        apiId: c.name,
        domainName: host,
        domainPrefix: host.split('.')[0],
        extendedRequestId: c.requestId,
        httpMethod: req.method,
        identity: {
          accessKey: null,
          accountId: null,
          caller: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: req.remoteAddress,
          user: null,
          userAgent: header(req, 'user-agent') ?? null,
          userArn: null,
        },
        path: routed.fullPath,
        protocol: 'HTTP/1.1',
        requestId: c.requestId,
        requestTime: apiGatewayTime(c.now),
        requestTimeEpoch: c.now,
        resourceId: c.requestId.slice(0, 6),
        resourcePath: resource,
        stage,
      },
      body: req.body && req.body.length > 0 ? encodeBody(req.body, base64) : null,
      isBase64Encoded: base64,
    },
  };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export function restResult(result: unknown, req: RuntimeRequest, c: DoorContext): MappedResult {
  const malformed = (why: string): MappedResult => ({ response: jsonResponse(502, REST_ERROR), problem: `Malformed Lambda proxy response: ${why}` });
  if (!isPlainObject(result)) return malformed(`expected an object with statusCode and a string body, got ${describe(result)}`);
  const unknown = Object.keys(result).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length) return malformed(`unknown keys ${unknown.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${[...KNOWN_KEYS].join(', ')})`);
  // A missing statusCode is 200 on REST (SAM's reading of AWS, specs/lambda.md §3.6).
  const status = result.statusCode === undefined ? 200 : statusOf(result.statusCode);
  if (status === undefined) return malformed(`statusCode must be an HTTP status number, got ${JSON.stringify(result.statusCode)}`);
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    return malformed(`body must be a string (JSON.stringify it), got ${describe(result.body)}`);
  }
  const h = new ResponseHeaders();
  if (result.headers !== undefined && result.headers !== null) {
    if (!isPlainObject(result.headers)) return malformed('headers must be an object of strings');
    for (const [k, v] of Object.entries(result.headers)) if (!h.add(k, v)) return malformed(`header ${JSON.stringify(k)} must be a string`);
  }
  if (result.multiValueHeaders !== undefined && result.multiValueHeaders !== null) {
    if (!isPlainObject(result.multiValueHeaders)) return malformed('multiValueHeaders must be an object of string lists');
    for (const [k, list] of Object.entries(result.multiValueHeaders)) {
      if (!Array.isArray(list)) return malformed(`multiValueHeaders ${JSON.stringify(k)} must be a list`);
      for (const v of list) if (!h.add(k, v)) return malformed(`multiValueHeaders ${JSON.stringify(k)} must hold strings`);
    }
  }
  if (!h.has('content-type')) h.add('content-type', 'application/json');
  const b64 = result.isBase64Encoded === true || result.base64Encoded === true;
  // Bytes only when the client's first Accept type (or the response type) is a binary media
  // type; otherwise API Gateway passes the base64 text through (lambda-proxy-binary-media).
  const accept = (header(req, 'accept') ?? '').split(',')[0]!.trim();
  const headers = h.toHeaders();
  const decode = b64 && (matchesMediaTypes(accept, c.binaryMediaTypes) || matchesMediaTypes(String(headers['content-type']), c.binaryMediaTypes));
  return { response: { kind: 'response', status, headers, body: resultBody(result.body, decode) } };
}

export function restError(): RuntimeResponse {
  return jsonResponse(502, REST_ERROR);
}

export function restStream(s: StreamedResult): RuntimeResponse {
  return streamResponse(s);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${JSON.stringify(v)?.slice(0, 40)})`;
}
