// fn list: the functions deployed in a namespace (or all), with readiness and URL.
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { allNamespaces?: boolean; output?: string }

export function register(program: Command): void {
  kubeFlags(program.command('list').description('list deployed functions (Knative Services made by fnkit)'))
    .option('-A, --all-namespaces', 'list across all namespaces')
    .option('-o, --output <format>', 'human, json or yaml')
    .action(async (flags: Flags) => {
      const { parseOutputFormat, printResult } = await import('../output.js');
      const { openKube } = await import('./deploy.js');
      const { listFunctions } = await import('../../src/kube/functions.js');
      const format = parseOutputFormat(flags.output);
      const kube = await openKube(flags);
      const fns = await listFunctions(kube, { namespace: kube.namespace, allNamespaces: flags.allNamespaces });
      printResult(format, fns, () => {
        if (fns.length === 0) return `no functions in ${flags.allNamespaces ? 'any namespace' : `namespace "${kube.namespace}"`}`;
        const rows = fns.map((f) => [
          ...(flags.allNamespaces ? [f.namespace] : []), f.name,
          f.ready === true ? 'True' : f.ready === false ? `False (${f.reason ?? ''})` : `Unknown${f.reason ? ` (${f.reason})` : ''}`,
          f.revision ?? '-', f.url ?? '-',
        ]);
        return table([[...(flags.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'READY', 'REVISION', 'URL'], ...rows]);
      });
    });
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}
