// The few AWS Lambda types this handler uses (the shapes of @types/aws-lambda, declared here so
// the template needs no dependency; swap in @types/aws-lambda whenever you like).
export interface APIGatewayProxyEventV2 {
  version: string;
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string | undefined>;
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  requestContext: { http: { method: string; path: string; sourceIp?: string; userAgent?: string }; requestId?: string; stage?: string };
  body?: string;
  isBase64Encoded: boolean;
}

export type APIGatewayProxyResultV2 =
  | string
  | { statusCode?: number; headers?: Record<string, string | number | boolean>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };

export interface Context {
  functionName: string;
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}
