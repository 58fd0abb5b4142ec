// An AWS Lambda handler in TypeScript, written exactly as for AWS. Lambda loads JavaScript, so
// `npm run build` compiles it to dist/ (fn.yaml's handler is dist/index.handler), as you would
// before zipping it for AWS. The same dist/ deploys to AWS Lambda too.
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from './lambda-types.js';

export const handler = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> => {
  const name = event.queryStringParameters?.name ?? parseName(event) ?? 'world';
  console.log(`greeting ${name}`); // one log line with the request id, as on AWS
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: ['greeted=1; Path=/; HttpOnly'],
    body: JSON.stringify({ message: `Hello, ${name}!`, requestId: context.awsRequestId }),
  };
};

function parseName(event: APIGatewayProxyEventV2): string | undefined {
  if (!event.body) return undefined;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    return (JSON.parse(text) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
