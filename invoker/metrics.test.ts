import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestMetrics } from './metrics.js';
import { traceIdOf } from './context.js';

test('metrics: counts by method and status, histogram buckets, labels, separate registries', async () => {
  const a = new RequestMetrics({ service: 'svc', revision: 'svc-1' });
  const b = new RequestMetrics({});
  a.record('GET', 200, 0.004);
  a.record('GET', 200, 0.2);
  a.record('BREW', 418, 7);
  a.inFlight = 3;
  a.coldStartSeconds = 0.25;
  const t = await a.text();
  assert.match(t, /fnkit_requests_total\{method="GET",status="200",service="svc",revision="svc-1"\} 2/);
  assert.match(t, /fnkit_requests_total\{method="OTHER",status="418",[^}]*\} 1/);
  assert.match(t, /fnkit_request_duration_seconds_bucket\{le="0.005",[^}]*\} 1/);
  assert.match(t, /fnkit_request_duration_seconds_bucket\{le="0.25",[^}]*\} 2/);
  assert.match(t, /fnkit_request_duration_seconds_bucket\{le="10",[^}]*\} 3/);
  assert.match(t, /fnkit_request_duration_seconds_count\{[^}]*\} 3/);
  assert.match(t, /fnkit_requests_in_flight\{[^}]*\} 3/);
  assert.match(t, /fnkit_cold_start_seconds\{[^}]*\} 0.25/);
  // A second server in the same process sees none of it (no global registry).
  assert.doesNotMatch(await b.text(), /fnkit_requests_total\{/);
  // Scraping twice does not double the counters.
  a.record('GET', 200, 0.01);
  assert.match(await a.text(), /fnkit_requests_total\{method="GET",status="200",[^}]*\} 3/);
});

test('traceparent → trace id', () => {
  const cases: Array<[string | undefined, string | undefined]> = [
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '4bf92f3577b34da6a3ce929d0e0e4736'],
    [' 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 ', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', undefined],
    ['garbage', undefined],
    [undefined, undefined],
  ];
  for (const [h, want] of cases) assert.equal(traceIdOf(h), want, String(h));
});
