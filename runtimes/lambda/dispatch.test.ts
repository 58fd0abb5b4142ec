import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUuidShaped } from './dispatch.js';

test("a client's request id is kept as the Lambda request id only when it is UUID-shaped", () => {
  assert.equal(isUuidShaped('1b4e28ba-2fa1-11d2-883f-000000000001'), true);
  assert.equal(isUuidShaped('C6AF9AC6-7B61-11E6-9A41-93E8DEADBEEF'), true);
  assert.equal(isUuidShaped('1b4e28ba-2fa1-11d2-883f-00000000000g'), false);
  assert.equal(isUuidShaped('1b4e28ba-2fa1-11d2-883f-0000000000001'), false);
  assert.equal(isUuidShaped('my-request-42'), false);
  assert.equal(isUuidShaped(''), false);
});
