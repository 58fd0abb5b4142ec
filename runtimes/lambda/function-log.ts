// Function output on the server's stdout: console lines and START/END/REPORT. The lines of one
// event-loop turn leave in one write. They are encoded straight into one buffer as they come:
// the platform lines are assembled from fixed bytes, the request id and the numbers, never built
// as strings. Building them with template strings, joining a turn's lines and encoding the
// result cost ~0.55 µs an invocation on Node 24, an eighth of the Lambda layer; this costs ~0.34
// (a 17-invocation turn in a loop, the write itself left out; docs/lambda.md, "Measured").
import { billedMs, endLine, reportLine, startLine, type LineSink } from './worker/platform-lines.js';

/** Room for a turn's lines (about 280 bytes an invocation); more is written out as it fills. */
const CAPACITY = 64 * 1024;

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const START = bytes('START RequestId: ');
const END = bytes('END RequestId: ');
const REPORT = bytes('\nREPORT RequestId: ');
const DURATION = bytes('\tDuration: ');
const BILLED = bytes(' ms\tBilled Duration: ');
const TAIL = bytes(' MB\t\n');
const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
/** The most a START or END/REPORT pair takes besides the request id and the version (numbers included). */
const PLATFORM_BYTES = 256;

export interface StdoutLog extends LineSink {
  start(requestId: string, version: string): void;
  end(requestId: string, durationMs: number, memorySize: number, maxMemoryMb: number): void;
  /** Writes out what is buffered (also done at the end of the turn and at exit). */
  flush(): void;
}

/** `write`: where a turn's bytes go (default: process.stdout). */
export function stdoutLog(write: (chunk: Buffer | string) => void = (chunk) => void process.stdout.write(chunk)): StdoutLog {
  const buf = Buffer.allocUnsafeSlow(CAPACITY);
  let used = 0;
  let scheduled = false;

  const flush = (): void => {
    idFrom = -1;
    if (used === 0) return;
    // A copy: a pipe may keep the chunk until the reader takes it, and the buffer is reused.
    const chunk = Buffer.from(buf.subarray(0, used));
    used = 0;
    write(chunk);
  };
  const onTurnEnd = (): void => {
    scheduled = false;
    flush();
  };
  /** Room for `n` more bytes (flushing first if need be); false when `n` cannot fit at all. */
  const room = (n: number): boolean => {
    if (!scheduled) {
      scheduled = true;
      setImmediate(onTurnEnd);
    }
    if (used + n <= CAPACITY) return true;
    flush();
    return n <= CAPACITY;
  };
  const put = (b: Buffer): void => {
    buf.set(b, used);
    used += b.length;
  };
  const putText = (s: string): void => {
    used += buf.write(s, used);
  };
  // toFixed(2) without the string: the rounded hundredths, unless the product is within reach of
  // a tie (where its own rounding could differ from toFixed's exact decimal) or too large.
  const putFixed2 = (x: number): void => {
    const y = x * 100;
    if (!(x < 1e7) || Math.abs(y - Math.trunc(y) - 0.5) < 1e-6) return putText(x.toFixed(2));
    const r = Math.round(y);
    const whole = Math.floor(r / 100);
    const cents = r - whole * 100;
    putUint(whole);
    buf[used++] = 46;
    buf[used++] = 48 + Math.floor(cents / 10);
    buf[used++] = 48 + (cents % 10);
  };
  // " ms\tMemory Size: <n> MB\tMax Memory Used: ": fixed per environment, made once.
  let memorySizeOf = -1;
  let memoryPiece: Buffer = Buffer.alloc(0);
  const memory = (memorySize: number): Buffer => {
    if (memorySize !== memorySizeOf) {
      memorySizeOf = memorySize;
      memoryPiece = bytes(` ms\tMemory Size: ${memorySize} MB\tMax Memory Used: `);
    }
    return memoryPiece;
  };
  // A non-negative integer, digit by digit.
  const putUint = (n: number): void => {
    if (n >= 10) putUint(Math.floor(n / 10));
    buf[used++] = 48 + (n % 10);
  };
  // The last lines (a crash report, END/REPORT) must not be lost when the invoker exits.
  process.once('exit', flush);

  const log = ((line: string): void => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (room(line.length * 3 + 1)) {
      putText(line);
      buf[used++] = 10;
    } else write(line + '\n');
  }) as StdoutLog;
  // " Version: <v>\n": one version per environment, made once.
  let versionOf: string | undefined;
  let versionPiece: Buffer = Buffer.alloc(0);
  // Where the last START put its request id, while it is still in the buffer: END and REPORT copy
  // those bytes (a builtin) instead of encoding the id twice more (a C++ call each, ~0.1 µs).
  let idFrom = -1;
  let idTo = -1;
  let idOf: string | undefined;
  const putId = (requestId: string): void => {
    if (requestId === idOf && idFrom >= 0) {
      buf.copyWithin(used, idFrom, idTo);
      used += idTo - idFrom;
    } else putText(requestId);
  };
  log.start = (requestId, version) => {
    if (!room((requestId.length + version.length) * 3 + PLATFORM_BYTES)) return log(startLine(requestId, version));
    put(START);
    idOf = requestId;
    idFrom = used;
    putText(requestId);
    idTo = used;
    if (version !== versionOf) {
      versionOf = version;
      versionPiece = Buffer.from(` Version: ${version}\n`);
    }
    put(versionPiece);
  };
  log.end = (requestId, durationMs, memorySize, maxMemoryMb) => {
    if (!room(requestId.length * 6 + PLATFORM_BYTES) || !(durationMs >= 0 && durationMs < 1e15) || !isCount(memorySize) || !isCount(maxMemoryMb)) {
      // Not reached in practice (a huge request id, a clock gone backwards): the plain strings.
      log(endLine(requestId));
      return log(reportLine(requestId, durationMs, memorySize, maxMemoryMb));
    }
    put(END);
    putId(requestId);
    put(REPORT);
    putId(requestId);
    put(DURATION);
    putFixed2(durationMs);
    put(BILLED);
    putUint(billedMs(durationMs));
    put(memory(memorySize));
    putUint(maxMemoryMb);
    put(TAIL);
  };
  log.flush = flush;
  return log;
}
