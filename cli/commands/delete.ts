// fn delete <name>: removes the function's Service and Triggers (or its Function resource when
// the controller manages it).
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { output?: string }

export function register(program: Command): void {
  kubeFlags(program.command('delete').description('delete a deployed function: its Knative Service and its Triggers').argument('<name>', 'function name'))
    .option('-o, --output <format>', 'human, json or yaml')
    .action(async (name: string, flags: Flags) => {
      const { parseOutputFormat, printResult } = await import('../output.js');
      const { openKube } = await import('./deploy.js');
      const { deleteFunction } = await import('../../src/kube/functions.js');
      const format = parseOutputFormat(flags.output);
      const kube = await openKube(flags);
      const deleted = await deleteFunction(kube, name, kube.namespace);
      printResult(format, { name, namespace: kube.namespace, deleted }, () => deleted.map((d) => `deleted ${d}`).join('\n'));
    });
}
