// Runs the program once: commander's usage errors exit 2, FnkitErrors print their code, message
// and hint once and exit 1, anything else is a bug and prints its stack. Actions never call
// process.exit themselves: they throw, or set process.exitCode.
import { CommanderError, type Command } from 'commander';
import { isFnkitError } from '../src/errors.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  the operation failed (the message says why and what to do)
  2  usage error (unknown command or flag, bad flag value)
  3  the function answered with an HTTP error status (fn invoke)`;

export async function runCli(program: Command, argv: string[]): Promise<void> {
  program.exitOverride();
  program.showHelpAfterError('(run with --help for usage)');
  // subcommands copy these settings only when created after them, and commands register first
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError('(run with --help for usage)');
  program.addHelpText('after', EXIT_CODES_HELP);
  // `fn ... | head` closes the pipe early: that is the reader's choice, not an error to report
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Prints the error once, returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // help and version are "errors" to commander but successes to the user
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return 2;
  }
  if (isFnkitError(err)) {
    process.stderr.write(`fn: ${err.message} [${err.code}]\n`);
    if (err.hint) process.stderr.write(`  hint: ${err.hint}\n`);
    if (process.env.FN_DEBUG && err.stack) process.stderr.write(`${err.stack}\n`);
    return typeof err.data?.exitCode === 'number' ? err.data.exitCode : 1;
  }
  process.stderr.write(`fn: unexpected error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  return 1;
}
