import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawEvent, rawResult, rawError } from './raw.js';
import { sampleRequest } from './sample-request.js';

test('raw: the body is the event, parsed as JSON; no body is {}', () => {
  const cases: Array<[string | undefined, unknown]> = [
    ['{"Records":[{"body":"x"}]}', { Records: [{ body: 'x' }] }],
    ['[1,2]', [1, 2]],
    ['"s"', 's'],
    ['3', 3],
    [undefined, {}],
    ['', {}],
  ];
  for (const [body, event] of cases) {
    const r = rawEvent(sampleRequest({ method: 'POST', body }));
    assert.ok('event' in r, String(body));
    assert.deepEqual(r.event, event);
  }
});

test('raw: a body that is not JSON is refused like the Invoke API refuses it', () => {
  const r = rawEvent(sampleRequest({ method: 'POST', body: 'not json' }));
  assert.ok('response' in r);
  assert.equal(r.response.status, 400);
  const b = JSON.parse(String(r.response.body));
  assert.equal(b.errorType, 'InvalidRequestContentException');
  assert.match(b.errorMessage, /^Could not parse request body into json/);
});

test('raw: the result is the JSON body; errors are generic', () => {
  assert.equal(rawResult({ a: 1 }).response.body, '{"a":1}');
  assert.equal(rawResult(undefined).response.body, 'null');
  assert.equal(rawResult('s').response.body, '"s"');
  const e = rawError();
  assert.equal(e.status, 502);
  assert.equal(e.headers['x-amz-function-error'], 'Unhandled');
});
