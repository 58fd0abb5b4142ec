// fn controller: runs the reconcile loop that turns Function resources into Knative Services
// and Triggers (what `fn install` deploys in the cluster; also runnable from a laptop).
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { resync: string }

export function register(program: Command): void {
  kubeFlags(program.command('controller').description('run the fnkit controller: reconcile Function resources (fnkit.dev/v1alpha1) into Knative Services and Triggers until interrupted'))
    .option('--resync <duration>', 're-check every Function this often, besides watching', '5m')
    .addHelpText('after', '\n  -n all watches every namespace (in a pod: the service account\'s namespace is the default).')
    .action(async (flags: Flags) => {
      const { FnkitError } = await import('../../src/errors.js');
      const { parseDuration } = await import('../../src/config/units.js');
      const { openKube, interruptSignal } = await import('./deploy.js');
      const { runController } = await import('../../src/controller/loop.js');
      let resyncMs: number;
      try { resyncMs = parseDuration(flags.resync) * 1000; } catch (err) {
        throw new FnkitError('FN_ERR_BAD_FLAG', `--resync "${flags.resync}": ${(err as Error).message}`, { data: { exitCode: 2 } });
      }
      if (resyncMs < 1000) throw new FnkitError('FN_ERR_BAD_FLAG', `--resync must be at least 1s, got ${flags.resync}`, { data: { exitCode: 2 } });
      const all = flags.namespace === 'all';
      const kube = await openKube({ ...flags, namespace: all ? undefined : flags.namespace });
      await runController({
        kube, namespace: all ? null : kube.namespace, resyncMs, signal: interruptSignal(),
        log: (l) => process.stderr.write(`${new Date().toISOString()} ${l}\n`),
      });
    });
}
