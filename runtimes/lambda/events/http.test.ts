import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiGatewayTime } from './http.js';

test('requestTime is dd/MMM/yyyy:HH:mm:ss +0000, and a new second gets a new text', () => {
  const t = Date.UTC(2026, 10, 27, 6, 5, 9, 120);
  assert.equal(apiGatewayTime(t), '27/Nov/2026:06:05:09 +0000');
  assert.equal(apiGatewayTime(t + 870), '27/Nov/2026:06:05:09 +0000', 'same second');
  assert.equal(apiGatewayTime(t + 880), '27/Nov/2026:06:05:10 +0000');
  assert.equal(apiGatewayTime(Date.UTC(2025, 0, 1, 0, 0, 0)), '01/Jan/2025:00:00:00 +0000', 'an earlier time too');
});
