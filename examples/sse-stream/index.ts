// Server-sent events: GET /?count=3&interval=100 streams `count` tick events, one every
// `interval` ms, each flushed as it is produced; the stream stops early if the client leaves.
import { sse, type Handler, type SseMessage } from 'fnkit';

function numberParam(value: unknown, fallback: number, max: number): number {
  const n = Number(typeof value === 'string' ? value : NaN);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}

async function* ticks(count: number, interval: number, signal: AbortSignal): AsyncGenerator<SseMessage> {
  for (let i = 1; i <= count && !signal.aborted; i++) {
    if (i > 1) await new Promise((r) => setTimeout(r, interval));
    yield { event: 'tick', id: String(i), data: { n: i, of: count, at: new Date().toISOString() } };
  }
  yield { event: 'done', data: 'bye' };
}

const handler: Handler = (req, ctx) => {
  const count = numberParam(req.query.count, 5, 1000);
  const interval = numberParam(req.query.interval, 200, 10_000);
  return sse(ticks(count, interval, ctx.signal));
};

export default handler;
