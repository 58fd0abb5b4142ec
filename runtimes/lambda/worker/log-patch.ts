// console.* as the Lambda Node runtime rewrites it (specs/lambda.md §3.12; RIC src/LogPatch.js):
// one call = one line, "<ISO time>\t<requestId>\t<LEVEL>\t<util.format(args)>", with embedded
// newlines turned into \r so a multi-line message stays one CloudWatch event. JSON format when
// AWS_LAMBDA_LOG_FORMAT=JSON, filtered by AWS_LAMBDA_LOG_LEVEL. The request id is "undefined"
// before the first invocation, as on AWS.
import { format } from 'node:util';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
type Level = (typeof LEVELS)[number];

/** Per-environment logging state: which request the lines belong to. */
export interface LogState {
  requestId: string | undefined;
}

export interface LogSink {
  write(line: string): void;
}

export function formatTextLine(time: string, requestId: string | undefined, level: string, message: string): string {
  return `${time}\t${requestId}\t${level}\t${message}`.replace(/\n/g, '\r');
}

export function formatJsonLine(time: string, requestId: string | undefined, level: string, args: unknown[]): string {
  const record: Record<string, unknown> = { timestamp: time, level, requestId, message: format(...args) };
  const err = args.find((a): a is Error => a instanceof Error);
  if (err) {
    record.errorType = err.name;
    record.errorMessage = err.message;
    record.stackTrace = String(err.stack ?? '').split('\n');
  }
  return JSON.stringify(record);
}

/** Replaces console's methods; returns a function that writes a raw platform line. */
export function patchConsole(state: LogState, sink: LogSink, opts: { format: 'Text' | 'JSON'; level?: string }): void {
  const min = LEVELS.indexOf((opts.level?.toUpperCase() as Level) ?? 'INFO');
  const threshold = opts.format === 'JSON' ? (min < 0 ? LEVELS.indexOf('INFO') : min) : 0;
  const make = (level: Level) => (...args: unknown[]) => {
    if (LEVELS.indexOf(level) < threshold) return;
    const time = new Date().toISOString();
    sink.write(opts.format === 'JSON' ? formatJsonLine(time, state.requestId, level, args) : formatTextLine(time, state.requestId, level, format(...args)));
  };
  const c = console as unknown as Record<string, unknown>;
  c.trace = make('TRACE');
  c.debug = make('DEBUG');
  c.info = make('INFO');
  c.log = make('INFO');
  c.warn = make('WARN');
  c.error = make('ERROR');
  c.fatal = make('FATAL');
}
