// fn subscribe <name> --broker B --filter type=T [--filter source=S] [--path /events]: a Knative
// Eventing Trigger from the broker to the function.
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { broker: string; filter: string[]; path?: string; output?: string }

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function register(program: Command): void {
  kubeFlags(program.command('subscribe').description('deliver a broker\'s matching CloudEvents to a deployed function (creates a Knative Trigger)').argument('<name>', 'function name'))
    .requiredOption('--broker <name>', 'the Knative Eventing Broker')
    .option('--filter <attr=value>', 'exact CloudEvents attribute match, e.g. type=com.example.order.created (repeatable, ANDed)', collect, [])
    .option('--path <path>', 'path on the function the events are POSTed to, e.g. /events')
    .option('-o, --output <format>', 'human, json or yaml')
    .action(async (name: string, flags: Flags) => {
      const { parseOutputFormat, printResult } = await import('../output.js');
      const { openKube } = await import('./deploy.js');
      const { parseFilters, subscribe } = await import('../../src/kube/subscriptions.js');
      const format = parseOutputFormat(flags.output);
      const filters = parseFilters(flags.filter);
      const kube = await openKube(flags);
      const t = await subscribe(kube, name, kube.namespace, { broker: flags.broker, filters, ...(flags.path ? { path: flags.path } : {}) });
      printResult(format, t, () => `subscribed ${name} to broker ${flags.broker} (${Object.entries(filters).map(([k, v]) => `${k}=${v}`).join(', ')}): Trigger ${t.metadata.name}`);
    });
}
