// Response streaming as the Node RIC provides it (specs/lambda.md §3.11): the global
// `awslambda` with streamifyResponse and HttpResponseStream.from, and the responseStream a
// streaming handler writes to. Bytes go to the main thread as they are written; the HTTP
// prelude (JSON + 8 NUL bytes) is written as bytes, exactly as on AWS, and parsed by the pool.
import { Writable } from 'node:stream';
import { HIGH_WATER_MARK_SYMBOL, STREAMING_SYMBOL } from './loader.js';
import { invalidStreamingOperation } from './errors.js';
import { HTTP_INTEGRATION_CONTENT_TYPE } from './protocol.js';

export interface StreamSink {
  head(contentType: string): void;
  chunk(bytes: Uint8Array): void;
  end(): void;
}

export class ResponseStream extends Writable {
  private contentType = 'application/octet-stream';
  private started = false;
  /** Set by HttpResponseStream.from: writes the prelude before the first body byte. */
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;

  constructor(private readonly sink: StreamSink, highWaterMark?: number) {
    super({ highWaterMark });
    const write = this.write.bind(this) as (...a: any[]) => boolean;
    // RIC: anything that is not a string, Buffer or Uint8Array is JSON.stringify-ed.
    this.write = ((chunk: unknown, ...rest: any[]) =>
      write(typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk), ...rest)) as any;
  }

  setContentType(contentType: string): void {
    if (this.started) throw invalidStreamingOperation('Cannot set content-type, too late.');
    this.contentType = contentType;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.sink.head(this.contentType);
    this._onBeforeFirstWrite?.((c) => this.sink.chunk(typeof c === 'string' ? Buffer.from(c) : c));
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.start();
    if (chunk.length > 0) this.sink.chunk(chunk);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.start();
    this.sink.end();
    cb();
  }

  get headSent(): boolean {
    return this.started;
  }
}

export const HttpResponseStream = {
  from(stream: ResponseStream, prelude: unknown): ResponseStream {
    stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const text = JSON.stringify(prelude);
    stream._onBeforeFirstWrite = (write) => {
      write(text);
      write(new Uint8Array(8));
    };
    return stream;
  },
};

export function streamifyResponse<T extends (...a: any[]) => unknown>(handler: T, options?: { highWaterMark?: number }): T {
  (handler as any)[STREAMING_SYMBOL] = 'response';
  const hwm = Number(options?.highWaterMark);
  if (Number.isInteger(hwm) && hwm > 0) (handler as any)[HIGH_WATER_MARK_SYMBOL] = hwm;
  return handler;
}

/** Installed before the user module loads, unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is set. */
export function installAwslambdaGlobal(): void {
  (globalThis as any).awslambda = { streamifyResponse, HttpResponseStream };
}
