// Lambda Function URLs (specs/lambda.md §3.9): the 2.0 event with routeKey and stage
// "$default", no pathParameters or stageVariables, accountId "anonymous" (AuthType NONE), the
// Cookie header kept beside `cookies`. Results as 2.0, except that an inferred string is
// JSON-encoded (the Function URL doc shows "Hello, world!" with its quotes). A function error
// is 502 [verify, not documented by AWS].
import type { RuntimeRequest, RuntimeResponse } from '../../types.js';
import { type DoorContext, type EventOrResponse, type MappedResult, apiGatewayTime, header, jsonResponse } from './http.js';
import { HTTP_API_ERROR, type V2Options, v2Event, v2Result } from './apigw-v2.js';

const FUNCTION_URL_V2: V2Options = {
  keepCookieHeader: true,
  stage: '$default',
  pathParameters: false,
  routeKey: () => '$default',
  requestContext: (rq, ctx, _key, _stage, routed) => ({
    accountId: 'anonymous',
    apiId: ctx.name,
    domainName: header(rq, 'host') ?? `${ctx.name}.lambda-url.${ctx.region}.on.aws`,
    domainPrefix: ctx.name,
    http: {
      method: rq.method,
      path: routed.fullPath,
      protocol: 'HTTP/1.1',
      sourceIp: rq.remoteAddress,
      userAgent: header(rq, 'user-agent') ?? '',
    },
    requestId: ctx.requestId,
    routeKey: '$default',
    stage: '$default',
    time: apiGatewayTime(ctx.now),
    timeEpoch: ctx.now,
  }),
};

export function functionUrlEvent(req: RuntimeRequest, c: DoorContext): EventOrResponse {
  const routed = { path: req.path || '/', fullPath: req.path || '/' };
  return { event: v2Event(req, c, FUNCTION_URL_V2, routed) };
}

export function functionUrlResult(result: unknown): MappedResult {
  return v2Result(result, 'json', 502);
}

export function functionUrlError(): RuntimeResponse {
  return jsonResponse(502, HTTP_API_ERROR);
}
