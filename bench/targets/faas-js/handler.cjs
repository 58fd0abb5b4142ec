// faas-js-runtime handler (its `handle(context, body)` contract; the event is the body for CloudEvents).
module.exports = {
  handle(context, body) {
    if (context.cloudevent) return context.cloudEventResponse(body.data).type('bench.reply').source('/bench').response();
    if (context.method === 'GET') return { hello: 'world' };
    return body;
  },
};
