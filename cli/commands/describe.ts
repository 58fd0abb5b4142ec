// fn describe <name>: URL, readiness (with the condition's reason), image, revisions with their
// traffic and tags, scale settings and subscriptions of a deployed function.
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { output?: string }

export function register(program: Command): void {
  kubeFlags(program.command('describe').description('show a deployed function: URL, readiness, image, revisions and traffic, scale, subscriptions').argument('<name>', 'function name'))
    .option('-o, --output <format>', 'human, json or yaml')
    .action(async (name: string, flags: Flags) => {
      const { parseOutputFormat, printResult } = await import('../output.js');
      const { openKube } = await import('./deploy.js');
      const { describeFunction } = await import('../../src/kube/functions.js');
      const format = parseOutputFormat(flags.output);
      const kube = await openKube(flags);
      const d = await describeFunction(kube, name, kube.namespace);
      printResult(format, d, () => {
        const ready = d.ready === true ? 'True' : `${d.ready === false ? 'False' : 'Unknown'}${d.reason ? ` (${d.reason}${d.message ? `: ${d.message}` : ''})` : ''}`;
        const lines = [
          `Name:        ${d.name}`,
          `Namespace:   ${d.namespace}`,
          `URL:         ${d.url ?? '-'}`,
          `Ready:       ${ready}`,
          `Image:       ${d.image ?? '-'}`,
          `Runtime:     ${d.runtime ?? '-'}`,
          `Managed by:  ${d.managedBy === 'controller' ? 'fnkit controller (Function resource)' : 'fn deploy'}`,
          `Generation:  ${d.generation ?? '-'} (observed ${d.observedGeneration ?? '-'})`,
          `Concurrency: ${d.containerConcurrency === 0 ? 'unlimited' : d.containerConcurrency ?? '-'}   Timeout: ${d.timeoutSeconds ?? '-'}s`,
          `Scale:       ${Object.entries(d.scale).map(([k, v]) => `${k}=${v}`).join(' ') || 'Knative defaults'}`,
          'Revisions:',
          ...(d.revisions.length ? d.revisions.map((r) => `  ${r.percent ? `${String(r.percent).padStart(3)}%` : '    '} ${r.name}${r.tags.length ? ` [${r.tags.join(', ')}]` : ''}  ${r.ready === true ? 'ready' : r.ready === false ? `failed${r.reason ? ` (${r.reason})` : ''}` : 'not ready'}  ${r.image ?? ''}`) : ['  (none)']),
          'Traffic:',
          ...(d.traffic.length ? d.traffic.map((t) => `  ${String(t.percent).padStart(3)}% -> ${t.revision ?? '?'}${t.latest ? ' (latest)' : ''}${t.tag ? ` tag ${t.tag}` : ''}${t.url ? ` ${t.url}` : ''}`) : ['  (none yet)']),
          'Subscriptions:',
          ...(d.triggers.length ? d.triggers.map((t) => `  broker ${t.broker} ${Object.entries(t.filters).map(([k, v]) => `${k}=${v}`).join(' ')}${t.path ? ` -> ${t.path}` : ''}  (${t.name})`) : ['  (none)']),
        ];
        return lines.join('\n');
      });
    });
}
