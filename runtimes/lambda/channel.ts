// A one-reader async queue of byte chunks: the worker's streamed response, as an
// AsyncIterable the invoker writes out as chunked HTTP. A failure ends the iteration with an
// error, so the invoker aborts the response instead of ending it cleanly.
export class ChunkChannel implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private done = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  push(chunk: Uint8Array): void {
    if (this.done) return;
    this.chunks.push(chunk);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  fail(error: Error): void {
    if (this.done) return;
    this.error = error;
    this.done = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      if (this.chunks.length > 0) {
        yield this.chunks.shift()!;
        continue;
      }
      if (this.error) throw this.error;
      if (this.done) return;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

const NUL8 = Buffer.alloc(8);

/**
 * Reads the HttpResponseStream prelude (JSON then 8 NUL bytes, specs/lambda.md §3.11) off the
 * front of a stream; returns it and an iterable of the remaining body.
 */
export async function readPrelude(
  source: AsyncIterable<Uint8Array>,
): Promise<{ prelude: Record<string, unknown>; body: AsyncIterable<Uint8Array> }> {
  const it = source[Symbol.asyncIterator]();
  let buf = Buffer.alloc(0);
  for (;;) {
    const at = buf.indexOf(NUL8);
    if (at >= 0) {
      let prelude: unknown;
      try {
        prelude = JSON.parse(buf.subarray(0, at).toString('utf8'));
      } catch {
        throw new Error(`the response stream prelude is not JSON: ${buf.subarray(0, Math.min(at, 200)).toString('utf8')}`);
      }
      if (!prelude || typeof prelude !== 'object' || Array.isArray(prelude)) throw new Error('the response stream prelude must be a JSON object');
      const rest = buf.subarray(at + 8);
      return {
        prelude: prelude as Record<string, unknown>,
        body: (async function* () {
          if (rest.length) yield rest;
          for (;;) {
            const n = await it.next();
            if (n.done) return;
            yield n.value;
          }
        })(),
      };
    }
    const n = await it.next();
    if (n.done) throw new Error('the response stream ended before its prelude was complete (JSON then 8 NUL bytes)');
    buf = Buffer.concat([buf, n.value]);
  }
}
