import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUuidShaped } from './dispatch.js';

test('request ids: UUID-shaped ones are kept, with a shortcut for ids sharing a checked prefix', () => {
  const prefix = '1b4e28ba-2fa1-11d2-883f-';
  assert.equal(isUuidShaped(`${prefix}000000000001`), true);
  // The shortcut still looks at the counter part, and at the length.
  assert.equal(isUuidShaped(`${prefix}00000000000A`), true);
  assert.equal(isUuidShaped(`${prefix}00000000000g`), false);
  assert.equal(isUuidShaped(`${prefix}0000000000:1`), false);
  assert.equal(isUuidShaped(`${prefix}0000000000001`), false);
  assert.equal(isUuidShaped(`${prefix}00000000001`), false);
  // Other ids take the full check.
  assert.equal(isUuidShaped('C6AF9AC6-7B61-11E6-9A41-93E8DEADBEEF'), true);
  assert.equal(isUuidShaped('my-request-42'), false);
  assert.equal(isUuidShaped('c6af9ac6-7b61-11e6-9a41_93e8deadbeef'), false);
  assert.equal(isUuidShaped(''), false);
});
