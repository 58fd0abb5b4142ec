// Results go to stdout, progress and logs to stderr, so `fn build | xargs ...` and `-o json` compose.
import { stringify as toYaml } from 'yaml';
import { FnkitError } from '../src/errors.js';

export type OutputFormat = 'human' | 'json' | 'yaml';

export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'human' || value === 'text') return 'human';
  if (value === 'json' || value === 'yaml') return value;
  throw new FnkitError('FN_ERR_BAD_OUTPUT', `unknown output format "${value}"`, { hint: 'use one of: human, json, yaml' });
}

/** Prints exactly one document for json/yaml; calls `human` otherwise. */
export function printResult(format: OutputFormat, value: unknown, human: () => string): void {
  if (format === 'json') process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  else if (format === 'yaml') process.stdout.write(toYaml(value));
  else {
    const text = human();
    if (text) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }
}

/** Progress lines on stderr; silent when stdout carries a machine format. */
export function progress(format: OutputFormat, line: string): void {
  if (format === 'human' || process.env.FN_PROGRESS === '1') process.stderr.write(line + '\n');
}
