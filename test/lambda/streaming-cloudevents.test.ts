// Response streaming (specs/lambda.md §3.11) and CloudEvents in (issue 3), through real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { call, rawHeaderValues, serveLambda, type LambdaServer } from './helpers.js';

test('streamifyResponse + HttpResponseStream.from: chunked HTTP with status, headers, cookies, as it is written', async () => {
  const s = await serveLambda({ fixture: 'streaming', handler: 'index.handler', config: { frontDoor: 'function-url' } });
  try {
    const arrivals: Array<[number, string]> = [];
    const t0 = Date.now();
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; raw: string[] }>((resolve, reject) => {
      const req = request(new URL('/', s.url), (r) => {
        r.setEncoding('utf8');
        r.on('data', (c: string) => arrivals.push([Date.now() - t0, c]));
        r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, raw: r.rawHeaders }));
        r.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['x-stream'], 'yes');
    assert.equal(res.headers['transfer-encoding'], 'chunked');
    const cookies = res.raw.filter((_, i) => i % 2 === 0 && res.raw[i]!.toLowerCase() === 'set-cookie').map((_, i) => i);
    assert.equal(cookies.length, 2);
    assert.deepEqual(res.headers['set-cookie'], ['s1=1', 's2=2']);
    assert.equal(arrivals.map(([, c]) => c).join(''), 'chunk 0\nchunk 1\nchunk 2\n');
    assert.ok(arrivals.length >= 2, 'more than one chunk arrived');
    assert.ok(arrivals[arrivals.length - 1]![0] - arrivals[0]![0] >= 150, 'chunks arrived as written, not all at the end');
  } finally {
    await s.stop();
  }
});

test('streaming: plain streams, content type, JSON-stringified chunks, and the RIC error rules', async () => {
  const handlers = ['plain', 'notFinished', 'notAsync', 'failsMidway', 'tooLate'];
  const servers = await Promise.all(handlers.map((h) => serveLambda({ fixture: 'streaming', handler: `index.${h}`, config: { frontDoor: 'http-api' } })));
  try {
    const [plain, notFinished, notAsync, failsMidway, tooLate] = servers as [LambdaServer, LambdaServer, LambdaServer, LambdaServer, LambdaServer];
    const p = await call(plain.url);
    assert.equal(p.status, 200);
    assert.equal(p.headers['content-type'], 'application/x-ndjson');
    assert.equal(p.text, '{"n":1}\n');
    const nf = await call(notFinished.url).catch((e: Error) => e);
    if (!(nf instanceof Error)) assert.notEqual(nf.text, 'partial', 'an unfinished stream must not end as a clean response');
    await notFinished.waitFor(/Response stream is not finished\./);
    const na = await call(notAsync.url);
    assert.equal(na.status, 500);
    await notAsync.waitFor(/Streaming does not support non-async handlers\./);
    const fm = await call(failsMidway.url).catch((e: Error) => e);
    assert.ok(fm instanceof Error, 'a mid-stream failure aborts the response instead of ending it cleanly');
    await failsMidway.waitFor(/stream broke/);
    await call(tooLate.url).catch(() => undefined);
    await tooLate.waitFor(/"errorType":"Runtime\.InvalidStreamingOperation","errorMessage":"Cannot set content-type, too late\."/);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
});

let ce: LambdaServer;
before(async () => {
  ce = await serveLambda({ fixture: 'basic', handler: 'index.route' });
});
after(() => ce.stop());

const sqsEvent = { Records: [{ messageId: 'm1', body: 'hello', eventSource: 'aws:sqs' }] };

test('a binary-mode CloudEvent invokes the handler with its data; the result is the reply event', async () => {
  const r = await call(ce.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'e1', 'ce-source': '/queue', 'ce-type': 'com.example.sqs' },
    body: JSON.stringify({ ...sqsEvent, h: 'event' }),
  });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.headers['ce-id'], 'a reply event');
  assert.deepEqual(r.json(), { ...sqsEvent, h: 'event' });
});

test('a structured CloudEvent: data is the event; attributes are in context.clientContext.custom', async () => {
  const r = await call(ce.url, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({ specversion: '1.0', id: 'e2', source: '/s3', type: 'com.example.s3', subject: 'obj', data: { h: 'echo', Records: [{ s3: { bucket: { name: 'b' } } }] } }),
  });
  assert.equal(r.status, 200, r.text);
  const reply = r.json();
  const echoed = JSON.parse(reply.data?.body ?? reply.body);
  assert.deepEqual(echoed.event.Records, [{ s3: { bucket: { name: 'b' } } }]);
  assert.equal(echoed.context.clientContext.custom.type, 'com.example.s3');
  assert.equal(echoed.context.clientContext.custom.subject, 'obj');
  assert.equal(echoed.context.clientContext.custom.id, 'e2');
});

test('a failing CloudEvent handler answers 5xx so the broker retries; no result means no reply', async () => {
  const r = await call(ce.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'e3', 'ce-source': '/q', 'ce-type': 't' },
    body: JSON.stringify({ h: 'throwError' }),
  });
  assert.ok(r.status >= 500, `status ${r.status}`);
  assert.ok(!r.text.includes('hunter2'));
  const none = await call(ce.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'e4', 'ce-source': '/q', 'ce-type': 't' },
    body: JSON.stringify({ h: 'undefinedResult' }),
  });
  assert.equal(none.status, 202);
  assert.equal(none.headers['ce-id'], undefined);
});

test('a stream that hangs after its first bytes still times out: the response is cut, the environment reset', async () => {
  const s = await serveLambda({ fixture: 'streaming', handler: 'index.hangs', timeout: 1 });
  try {
    const t0 = Date.now();
    const r = await call(s.url).catch((e: Error) => e);
    assert.ok(r instanceof Error || !r.text.endsWith('\n\n'), 'the response did not end cleanly');
    assert.ok(Date.now() - t0 < 5000, 'cut at the 1 s timeout');
    await s.waitFor(/Task timed out after 1\.00 seconds/);
    // the environment was reset: the next request starts at once on a fresh one (and is cut too)
    await call(s.url).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.lines.filter((l) => l.startsWith('START RequestId:')).length, 2);
    assert.equal(s.lines.filter((l) => /Task timed out after 1\.00 seconds/.test(l)).length, 2);
  } finally {
    await s.stop();
  }
});

test('a CloudEvent batch invokes the handler once per event, each with its own request id; the first carries the HTTP request\'s id', async () => {
  const given = '0b9a4c1e-5d2f-4a8b-9c3d-112233445566';
  const r = await call(ce.url, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json', 'x-request-id': given },
    body: JSON.stringify([
      { specversion: '1.0', id: 'b1', source: '/q', type: 't', data: { h: 'echo', n: 1 } },
      { specversion: '1.0', id: 'b2', source: '/q', type: 't', data: { h: 'echo', n: 2 } },
    ]),
  });
  assert.equal(r.status, 200, r.text);
  // One reply event in batch mode whose data lists the invocations' results, in order.
  const replies = r.json() as Array<{ data: Array<{ body: string }> }>;
  assert.equal(replies.length, 1);
  assert.equal(replies[0]!.data.length, 2);
  const seen = replies[0]!.data.map((x) => JSON.parse(x.body) as { event: { n: number }; context: { awsRequestId: string } });
  assert.deepEqual(seen.map((x) => x.event.n), [1, 2]);
  assert.equal(seen[0]!.context.awsRequestId, given);
  assert.match(seen[1]!.context.awsRequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.notEqual(seen[1]!.context.awsRequestId, given);
});
