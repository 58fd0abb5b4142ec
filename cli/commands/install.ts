// fn install: the Function CRD, the controller's ServiceAccount, least-privilege ClusterRole and
// binding, and its Deployment; printed (--dry-run) or applied with server-side apply.
import type { Command } from 'commander';
import { kubeFlags, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags { image: string; dryRun?: boolean; output?: string; forceConflicts?: boolean }

export const DEFAULT_CONTROLLER_IMAGE = 'ghcr.io/fnkit/fnkit:0.1.0';

export function register(program: Command): void {
  kubeFlags(program.command('install').description('install the fnkit controller: Function CRD, ServiceAccount, ClusterRole (least privilege), ClusterRoleBinding, Deployment'))
    .option('--image <ref>', 'controller image (runs `fn controller`)', DEFAULT_CONTROLLER_IMAGE)
    .option('--dry-run', 'print the manifests, apply nothing (needs no cluster)')
    .option('--force-conflicts', 'take over fields another field manager set')
    .option('-o, --output <format>', 'yaml (default with --dry-run), json, or human')
    .addHelpText('after', '\n  -n sets the controller\'s namespace (default fnkit-system).')
    .action(async (flags: Flags) => {
      const { stringify } = await import('yaml');
      const { parseOutputFormat, printResult, progress } = await import('../output.js');
      const { installManifests } = await import('../../src/deploy/install.js');
      const format = parseOutputFormat(flags.output ?? (flags.dryRun ? 'yaml' : undefined));
      const namespace = flags.namespace ?? 'fnkit-system';
      const docs = installManifests({ namespace, image: flags.image }) as Array<Record<string, any>>;
      if (flags.dryRun) {
        if (format === 'json') return printResult('json', { apiVersion: 'v1', kind: 'List', items: docs }, () => '');
        process.stdout.write(docs.map((d) => stringify(d)).join('---\n'));
        return;
      }
      const { openKube } = await import('./deploy.js');
      const { FnkitError } = await import('../../src/errors.js');
      const { INSTALL_TYPES, typeOfObject } = await import('../../src/kube/resources.js');
      const kube = await openKube({ ...flags, namespace });
      const applied: string[] = [];
      for (const d of docs) {
        const t = typeOfObject(d, INSTALL_TYPES);
        if (!t) throw new FnkitError('FN_ERR_INSTALL', `fn install does not know how to apply ${d.apiVersion} ${d.kind}`, { data: { applied } });
        try {
          await kube.apply(t, d as any, { force: flags.forceConflicts });
        } catch (err) {
          if (err instanceof FnkitError) {
            throw new FnkitError(err.code, `${err.message}. Applied before this: ${applied.join(', ') || 'nothing'}`, { hint: err.hint, data: { ...err.data, applied } });
          }
          throw err;
        }
        applied.push(`${d.kind} ${d.metadata.namespace ? `${d.metadata.namespace}/` : ''}${d.metadata.name}`);
        progress(format, `applied ${applied.at(-1)}`);
      }
      printResult(format, { namespace, applied }, () => `installed the fnkit controller in namespace ${namespace} (${applied.length} objects)`);
    });
}
