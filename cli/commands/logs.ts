// fn logs <name> [-f] [--since 10m]: user-container logs of the function's pods, all revisions.
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { follow?: boolean; since?: string }

export function register(program: Command): void {
  kubeFlags(program.command('logs').description('print the logs of a deployed function\'s pods (all revisions), each line prefixed with [pod revision]').argument('<name>', 'function name'))
    .option('-f, --follow', 'keep streaming, including pods that start later (Ctrl-C ends)')
    .option('--since <duration>', 'only lines newer than this, e.g. 10m, 1h')
    .action(async (name: string, flags: Flags) => {
      const { FnkitError } = await import('../../src/errors.js');
      const { parseDuration } = await import('../../src/config/units.js');
      const { openKube, interruptSignal } = await import('./deploy.js');
      const { requireService } = await import('../../src/kube/functions.js');
      const { streamFunctionLogs } = await import('../../src/kube/logs.js');
      let sinceSeconds: number | undefined;
      if (flags.since !== undefined) {
        try { sinceSeconds = Math.ceil(parseDuration(flags.since)); } catch (err) {
          throw new FnkitError('FN_ERR_BAD_FLAG', `--since "${flags.since}": ${(err as Error).message}`, { data: { exitCode: 2 } });
        }
      }
      const kube = await openKube(flags);
      const signal = interruptSignal();
      await requireService(kube, name, kube.namespace, signal);
      await streamFunctionLogs(kube, name, kube.namespace, {
        follow: flags.follow, sinceSeconds, signal,
        write: (l) => process.stdout.write(l + '\n'),
        note: (l) => process.stderr.write(`fn: ${l}\n`),
      });
    });
}
