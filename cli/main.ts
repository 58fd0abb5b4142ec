// The `fn` program. Each command lives in cli/commands/<name>.ts and exports `register(program)`,
// which declares flags and help cheaply and imports its implementation lazily in the action, so
// `fn --help` and `fn invoke` never load esbuild or client-node.
import { Command } from 'commander';
import { runCli } from './run.js';
// command registrations (one import and one line in `commands` each)
// @commands-imports
import { register as buildCmd } from './commands/build.js';
import { register as createCmd } from './commands/create.js';
import { register as runCmd } from './commands/run.js';
import { register as invokeCmd } from './commands/invoke.js';
import { register as testCmd } from './commands/test.js';

const commands: Array<(program: Command) => void> = [
  // @commands-list
  buildCmd,
  createCmd, runCmd, invokeCmd, testCmd,
];

const program = new Command('fn');
for (const register of commands) register(program);
await runCli(program, process.argv);
