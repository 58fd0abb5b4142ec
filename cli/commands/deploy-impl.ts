// The body of `fn deploy`, loaded only when it runs (it pulls in the builder and client-node).
import { stringify as toYaml } from 'yaml';
import { parseOutputFormat, printResult, progress } from '../output.js';
import { FnkitError } from '../../src/errors.js';
import { loadFunction } from '../../src/config/fn-yaml.js';
import { parseDuration } from '../../src/config/units.js';
import type { FunctionSpec } from '../../src/config/types.js';
import { interruptSignal, openKube, type KubeFlags } from './deploy.js';

interface Flags extends KubeFlags {
  image?: string; build: boolean; insecure?: boolean; viaController?: boolean; waitTimeout: string;
  forceConflicts?: boolean; dryRun?: boolean; output?: string;
}

export async function runDeploy(dir: string, flags: Flags): Promise<void> {
  try {
    await deploy(dir, flags);
  } catch (err) {
    throw withCliHint(err);
  }
}

/** The library's hints speak of options; here they become the flags to pass. */
function withCliHint(err: unknown): unknown {
  if (!(err instanceof FnkitError)) return err;
  const name = (err.data?.name as string | undefined) ?? '<name>';
  const hints: Record<string, string> = {
    FN_ERR_KUBE_APPLY_CONFLICT: 'run fn deploy again with --force-conflicts to take these fields over (fn becomes their owner), or undo the change made with the other tool',
    FN_ERR_DEPLOY_TIMEOUT: `it stays applied and Knative keeps trying: see \`fn describe ${name}\` and \`fn logs ${name}\`, deploy again with a longer --wait-timeout, or remove it with \`fn delete ${name}\``,
    FN_ERR_DEPLOY_FAILED: `fix the cause and deploy again; \`fn describe ${name}\` and \`fn logs ${name}\` show more`,
    FN_ERR_DEPLOY_OWNED: 'deploy with --via-controller, or delete the Function resource first (fn delete)',
  };
  const hint = hints[err.code];
  if (!hint) return err;
  return new FnkitError(err.code, err.message, { hint, data: err.data, cause: err.cause });
}

async function deploy(dir: string, flags: Flags): Promise<void> {
  const format = parseOutputFormat(flags.output);
  const signal = interruptSignal();
  let waitMs: number;
  try {
    waitMs = parseDuration(flags.waitTimeout) * 1000;
  } catch (err) {
    throw new FnkitError('FN_ERR_BAD_FLAG', `--wait-timeout "${flags.waitTimeout}": ${(err as Error).message}`, { data: { exitCode: 2 } });
  }
  const spec = await loadFunction(dir);
  if (!flags.build && !flags.image) {
    throw new FnkitError('FN_ERR_NO_IMAGE', '--no-build needs --image <repo@sha256:...>: without a build there is no image to deploy', { data: { exitCode: 2 } });
  }
  // -n wins, then fn.yaml deploy.namespace, then the context's namespace
  const kube = flags.dryRun ? tryOpenKube(flags, spec) : await openKube({ ...flags, namespace: flags.namespace ?? spec.deploy.namespace });
  const namespace = flags.namespace ?? spec.deploy.namespace ?? (await kube)?.namespace ?? 'default';
  const image = flags.image ?? (await buildImage(spec, flags, format, signal));
  const { planDeploy, applyPlan, applyFunctionResource } = await import('../../src/deploy/deployer.js');
  if (flags.viaController) {
    const { toFunctionResource } = await import('../../src/deploy/function-crd.js');
    planDeploy(spec, image, namespace); // the same checks as a direct deploy
    if (flags.dryRun) return printDocs(format, [toFunctionResource(spec, image, { namespace })]);
    const fr = await applyFunctionResource(spec, image, namespace, { kube: (await kube)!, forceConflicts: flags.forceConflicts, signal });
    printResult(format, fr, () => `applied Function ${namespace}/${spec.name} (fnkit.dev/v1alpha1); the fnkit controller makes its Service and Triggers (fn describe ${spec.name} shows progress)`);
    return;
  }
  const plan = planDeploy(spec, image, namespace);
  if (flags.dryRun) return printDocs(format, [plan.service, ...plan.triggers]);
  const result = await applyPlan(plan, {
    kube: (await kube)!, forceConflicts: flags.forceConflicts, waitTimeoutMs: waitMs, signal,
    onProgress: (l) => progress(format, l),
  });
  printResult(format, result, () =>
    result.ready
      ? `${result.name} is ready${result.unchanged ? ' (unchanged, no new revision)' : ''}: ${result.url}\n  revision ${result.revision}, namespace ${result.namespace}`
      : `${result.name} applied (not waiting for Ready)${result.url ? `: ${result.url}` : ''}`,
  );
}

async function tryOpenKube(flags: KubeFlags, spec: FunctionSpec) {
  // a dry run needs no cluster; a kubeconfig only lends its namespace when there is one
  try {
    return await openKube({ ...flags, namespace: flags.namespace ?? spec.deploy.namespace });
  } catch {
    return undefined;
  }
}

async function buildImage(spec: FunctionSpec, flags: Flags, format: ReturnType<typeof parseOutputFormat>, signal: AbortSignal): Promise<string> {
  const { buildFunction } = await import('../../src/build/index.js');
  progress(format, `building ${spec.name}${flags.dryRun ? ' (dry run: not pushing)' : ''}`);
  const built = await buildFunction(spec, { push: !flags.dryRun, insecure: flags.insecure, signal, onProgress: (step) => progress(format, `  ${step}`) });
  if (built.reference) return built.reference;
  const { targetReference } = await import('../../src/build/builder.js');
  const { formatReference, pinned } = await import('../../src/registry/reference.js');
  const target = targetReference(spec, {});
  if (!target) {
    throw new FnkitError('FN_ERR_NO_IMAGE', `no image repository for ${spec.name}: set build.image or build.registry in fn.yaml, or pass --image`, { data: { exitCode: 2 } });
  }
  return formatReference(pinned(target, built.digest));
}

function printDocs(format: ReturnType<typeof parseOutputFormat>, docs: unknown[]): void {
  if (format === 'json') return printResult('json', docs.length === 1 ? docs[0] : { apiVersion: 'v1', kind: 'List', items: docs }, () => '');
  // yaml (and human): one multi-document stream kubectl apply -f - accepts
  process.stdout.write(docs.map((d) => toYaml(d)).join('---\n'));
}
