// The platform's lines around each invocation, as Lambda writes them to the function's log
// (specs/lambda.md §3.6): START before the handler runs, END and REPORT after it completes.
// The one place their text is defined: the worker thread writes these strings, the server's
// stdout writes the same bytes without building them (../function-log.ts).

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** Lambda bills whole milliseconds, at least one. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export function reportLine(requestId: string, durationMs: number, memorySize: number, maxMemoryMb: number): string {
  return `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs(durationMs)} ms\tMemory Size: ${memorySize} MB\tMax Memory Used: ${maxMemoryMb} MB\t`;
}

/**
 * Where an environment's lines go. `start`/`end` are optional fast paths for the platform lines;
 * a sink without them gets the formatted strings through the call itself.
 */
export interface LineSink {
  (line: string): void;
  start?(requestId: string, version: string): void;
  /** END and REPORT together. */
  end?(requestId: string, durationMs: number, memorySize: number, maxMemoryMb: number): void;
}

export function writeStart(sink: LineSink, requestId: string, version: string): void {
  if (sink.start) sink.start(requestId, version);
  else sink(startLine(requestId, version));
}

export function writeEnd(sink: LineSink, requestId: string, durationMs: number, memorySize: number, maxMemoryMb: number): void {
  if (sink.end) return sink.end(requestId, durationMs, memorySize, maxMemoryMb);
  sink(endLine(requestId));
  sink(reportLine(requestId, durationMs, memorySize, maxMemoryMb));
}
