// The `fn` program. Each command lives in cli/commands/<name>.ts and exports `register(program)`,
// which declares flags and help cheaply and imports its implementation lazily in the action, so
// `fn --help` and `fn invoke` never load esbuild or client-node.
import { Command } from 'commander';
import { runCli } from './run.js';
// command registrations (one import and one line in `commands` each)
// @commands-imports
import { register as importCmd } from './commands/import.js';
import { register as deployCmd } from './commands/deploy.js';
import { register as listCmd } from './commands/list.js';
import { register as describeCmd } from './commands/describe.js';
import { register as deleteCmd } from './commands/delete.js';
import { register as logsCmd } from './commands/logs.js';
import { register as subscribeCmd } from './commands/subscribe.js';
import { register as unsubscribeCmd } from './commands/unsubscribe.js';
import { register as controllerCmd } from './commands/controller.js';
import { register as installCmd } from './commands/install.js';
import { register as buildCmd } from './commands/build.js';
import { register as createCmd } from './commands/create.js';
import { register as runCmd } from './commands/run.js';
import { register as invokeCmd } from './commands/invoke.js';
import { register as testCmd } from './commands/test.js';

const commands: Array<(program: Command) => void> = [
  // @commands-list
  // in the order a user meets them: the local loop, the image, the cluster, porting, operators
  createCmd, testCmd, runCmd, invokeCmd,
  buildCmd,
  deployCmd, listCmd, describeCmd, deleteCmd, logsCmd, subscribeCmd, unsubscribeCmd,
  importCmd,
  controllerCmd, installCmd,
];

const program = new Command('fn');
for (const register of commands) register(program);
await runCli(program, process.argv);
