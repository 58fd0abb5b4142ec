// Request metrics with a near-zero hot-path cost: the request path bumps plain numbers; a
// per-server prom-client Registry (never the global one, style.md habit 5) is built on the first
// scrape and reads those numbers through custom collectors. prom-client itself is loaded then.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'OTHER'];

export interface MetricLabels {
  service?: string;
  revision?: string;
  configuration?: string;
}

export class RequestMetrics {
  /** methodIndex * 1000 + status → count (a number key: no string built per request) */
  private readonly counts = new Map<number, number>();
  private readonly buckets = new Array<number>(BUCKETS.length).fill(0);
  private sum = 0;
  private count = 0;
  inFlight = 0;
  coldStartSeconds: number | undefined;
  private registry: import('prom-client').Registry | undefined;

  constructor(private readonly labels: MetricLabels) {}

  /** One finished function request. */
  record(method: string, status: number, seconds: number): void {
    let m = METHODS.indexOf(method);
    if (m < 0) m = METHODS.length - 1;
    const key = m * 1000 + status;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) { this.buckets[i]!++; break; }
    this.sum += seconds;
    this.count++;
  }

  contentType = 'text/plain; version=0.0.4; charset=utf-8';

  async text(): Promise<string> {
    const reg = this.registry ?? (this.registry = await this.build());
    return reg.metrics();
  }

  private async build(): Promise<import('prom-client').Registry> {
    const prom = await import('prom-client');
    const reg = new prom.Registry();
    const defaults: Record<string, string> = {};
    if (this.labels.service) defaults.service = this.labels.service;
    if (this.labels.revision) defaults.revision = this.labels.revision;
    if (this.labels.configuration) defaults.configuration = this.labels.configuration;
    reg.setDefaultLabels(defaults);
    this.contentType = reg.contentType;
    const self = this;
    new prom.Counter({
      name: 'fnkit_requests_total', help: 'Function requests by method and status code', labelNames: ['method', 'status'], registers: [reg],
      collect() {
        this.reset();
        for (const [k, n] of self.counts) this.inc({ method: METHODS[Math.floor(k / 1000)]!, status: String(k % 1000) }, n);
      },
    });
    new prom.Gauge({ name: 'fnkit_requests_in_flight', help: 'Function requests being handled now', registers: [reg], collect() { this.set(self.inFlight); } });
    new prom.Gauge({
      name: 'fnkit_cold_start_seconds', help: 'Seconds from process start until the handler was initialised and ready', registers: [reg],
      collect() { if (self.coldStartSeconds !== undefined) this.set(self.coldStartSeconds); },
    });
    // A histogram whose state lives in this object: prom-client only formats it.
    reg.registerMetric({
      name: 'fnkit_request_duration_seconds',
      help: 'Time from request start to the last byte of the answer, in seconds',
      type: 'histogram',
      aggregator: 'sum',
      get: async () => {
        const values: Array<{ value: number; labels: Record<string, string | number>; metricName: string }> = [];
        let acc = 0;
        for (let i = 0; i < BUCKETS.length; i++) {
          acc += self.buckets[i]!;
          values.push({ value: acc, labels: { le: BUCKETS[i]! }, metricName: 'fnkit_request_duration_seconds_bucket' });
        }
        values.push({ value: self.count, labels: { le: '+Inf' }, metricName: 'fnkit_request_duration_seconds_bucket' });
        values.push({ value: self.sum, labels: {}, metricName: 'fnkit_request_duration_seconds_sum' });
        values.push({ value: self.count, labels: {}, metricName: 'fnkit_request_duration_seconds_count' });
        return { name: 'fnkit_request_duration_seconds', help: 'Time from request start to the last byte of the answer, in seconds', type: 'histogram', aggregator: 'sum', values } as never;
      },
    } as never);
    prom.collectDefaultMetrics({ register: reg, eventLoopMonitoringPrecision: 100 });
    return reg;
  }
}
