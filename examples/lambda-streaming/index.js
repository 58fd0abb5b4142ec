// Streams a report line by line as it is computed; status, headers and cookies travel in the
// HttpResponseStream prelude, exactly as on a Function URL in RESPONSE_STREAM mode.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const rows = Number(event.queryStringParameters?.rows ?? 5);
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/csv', 'cache-control': 'no-store' },
    cookies: ['report=running; Path=/'],
  });
  stream.write('row,value\n');
  for (let i = 1; i <= rows; i++) {
    await new Promise((r) => setTimeout(r, 20));
    stream.write(`${i},${i * i}\n`);
  }
  stream.end();
});
