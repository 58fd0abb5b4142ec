// An AWS Lambda handler, written exactly as for AWS: fnkit runs it unchanged (HTTP API payload
// 2.0 events in, {statusCode, headers, body} out). The same file deploys to AWS Lambda too.
export const handler = async (event, context) => {
  const name = event.queryStringParameters?.name ?? parseName(event) ?? 'world';
  console.log(`greeting ${name}`); // one log line with the request id, as on AWS
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: ['greeted=1; Path=/; HttpOnly'],
    body: JSON.stringify({ message: `Hello, ${name}!`, requestId: context.awsRequestId }),
  };
};

function parseName(event) {
  if (!event.body) return undefined;
  try {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    return JSON.parse(text).name;
  } catch {
    return undefined;
  }
}
