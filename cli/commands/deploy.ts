// fn deploy [dir]: build and push (unless --image/--no-build), apply the Knative Service and its
// Triggers with server-side apply, wait for Ready and print the URL. Also home of the kube flags
// every cluster command shares (-n, --context, --kubeconfig).
import type { Command } from 'commander';

export interface KubeFlags { namespace?: string; context?: string; kubeconfig?: string }

/** -n/--namespace, --context, --kubeconfig on a cluster command. */
export function kubeFlags(cmd: Command): Command {
  return cmd
    .option('-n, --namespace <ns>', 'namespace (default: the current context\'s namespace, else "default")')
    .option('--context <name>', 'kubeconfig context to use (default: the current context)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)');
}

/** A kube client for the flags; the environment is read here, once, and passed down. */
export async function openKube(flags: KubeFlags) {
  const { connect } = await import('../../src/kube/client.js');
  const { kubeEnvironment } = await import('../../src/kube/config.js');
  return connect({ namespace: flags.namespace, context: flags.context, kubeconfig: flags.kubeconfig }, kubeEnvironment(process.env));
}

/** Ctrl-C ends long waits (watch, follow) cleanly. */
export function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  const stop = () => ac.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return ac.signal;
}

interface DeployFlags extends KubeFlags {
  image?: string; build: boolean; insecure?: boolean; viaController?: boolean; waitTimeout: string;
  forceConflicts?: boolean; dryRun?: boolean; output?: string;
}

export function register(program: Command): void {
  kubeFlags(
    program
      .command('deploy')
      .description('build, push and deploy a function as a Knative Service (server-side apply, field manager "fn"), wait until it is Ready and print its URL')
      .argument('[dir]', 'function folder', '.'),
  )
    .option('--image <ref>', 'deploy this digest-pinned image (repo@sha256:...) instead of building')
    .option('--no-build', 'do not build; needs --image')
    .option('--insecure', 'plain HTTP to the registry when building and pushing')
    .option('--via-controller', 'write a Function resource (fnkit.dev/v1alpha1) for the fnkit controller instead of the Service (GitOps)')
    .option('--wait-timeout <duration>', 'how long to wait for Ready (0 = do not wait)', '120s')
    .option('--force-conflicts', 'take over fields another field manager (kubectl, another tool) set')
    .option('--dry-run', 'print the exact Service and Triggers (or Function) and apply nothing; needs no cluster')
    .option('-o, --output <format>', 'human, yaml or json')
    .addHelpText('after', `
Examples:
  fn deploy                                   build, push, deploy the function in .
  fn deploy --image reg.example.com/hello@sha256:...   deploy an image built before
  fn deploy --dry-run -o yaml --image ...     the exact Service and Triggers, no cluster needed
  fn deploy -n prod --context prod-cluster    another namespace and cluster
  fn deploy --via-controller                  write a Function resource for the controller

An unchanged function makes no new revision: the Service it renders is identical, so the apply
changes nothing.`)
    .action(async (dir: string, flags: DeployFlags) => {
      const { runDeploy } = await import('./deploy-impl.js');
      await runDeploy(dir, flags);
    });
}
