// fn unsubscribe <name> --broker B [--filter ...]: removes the Trigger(s) fn subscribe made.
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';
import { collect } from './subscribe.js';

interface Flags extends KubeFlags { broker: string; filter: string[]; output?: string }

export function register(program: Command): void {
  kubeFlags(program.command('unsubscribe').description('stop delivering a broker\'s events to a function (deletes its Trigger; without --filter, every Trigger on that broker)').argument('<name>', 'function name'))
    .requiredOption('--broker <name>', 'the Knative Eventing Broker')
    .option('--filter <attr=value>', 'only the subscription with exactly these filters (repeatable)', collect, [])
    .option('-o, --output <format>', 'human, json or yaml')
    .action(async (name: string, flags: Flags) => {
      const { parseOutputFormat, printResult } = await import('../output.js');
      const { openKube } = await import('./deploy.js');
      const { parseFilters, unsubscribe } = await import('../../src/kube/subscriptions.js');
      const format = parseOutputFormat(flags.output);
      const filters = flags.filter.length ? parseFilters(flags.filter) : undefined;
      const kube = await openKube(flags);
      const removed = await unsubscribe(kube, name, kube.namespace, flags.broker, filters);
      printResult(format, { name, namespace: kube.namespace, broker: flags.broker, removed }, () => removed.map((t) => `deleted Trigger ${t}`).join('\n'));
    });
}
