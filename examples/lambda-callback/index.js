// Old-style Lambda code: a module-level "connection" kept open with a timer, so the handler
// must tell Lambda not to wait for the event loop, then answers through the callback.
let pool = null;
function connect() {
  if (!pool) {
    pool = { opened: Date.now(), queries: 0 };
    setInterval(() => {}, 60000); // a keep-alive that never lets the event loop drain
  }
  return pool;
}

exports.handler = function (event, context, callback) {
  context.callbackWaitsForEmptyEventLoop = false;
  const db = connect();
  db.queries++;
  if (event.queryStringParameters && event.queryStringParameters.fail) {
    return callback(new Error('query failed'));
  }
  callback(null, {
    statusCode: 200,
    body: JSON.stringify({ queries: db.queries, remainingMs: context.getRemainingTimeInMillis() }),
  });
};
