// `fn subscribe` / `fn unsubscribe`: Knative Eventing Triggers from a Broker to a deployed
// function, made by the same translation as fn.yaml's deploy.subscriptions (src/deploy/trigger.ts)
// and validated against the Trigger rules (schemas/VALIDATION.md "Eventing Trigger validation")
// before anything is sent. They are owned by the function's Service, so deleting it removes them.
import type { FunctionSpec } from '../config/types.js';
import { FnkitError } from '../errors.js';
import { markTrigger } from '../deploy/deployer.js';
import { serviceOwnerRef, toTrigger, triggerName, type Subscription } from '../deploy/trigger.js';
import { validateTrigger } from '../deploy/validate.js';
import { isDns1123Subdomain } from '../deploy/validate-rules.js';
import type { KnativeTrigger } from '../deploy/types.js';
import type { KubeClient, KubeObject } from './client.js';
import { requireService } from './functions.js';
import { FUNCTION_LABEL } from '../deploy/manifest.js';
import { TRIGGER } from './resources.js';

/** CloudEvents attribute names as Trigger filters accept them (trigger_validation.go). */
const ATTRIBUTE = /^[a-z][a-z0-9]*$/;

/** "type=com.example.x" flags to an exact-match filter map; every bad one named. */
export function parseFilters(flags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const i = f.indexOf('=');
    const key = i < 0 ? f : f.slice(0, i);
    const value = i < 0 ? '' : f.slice(i + 1);
    if (i < 0 || !value) throw new FnkitError('FN_ERR_BAD_FILTER', `filter "${f}" must be attribute=value, e.g. type=com.example.order.created`, { data: { filter: f, exitCode: 2 } });
    if (!ATTRIBUTE.test(key)) throw new FnkitError('FN_ERR_BAD_FILTER', `filter attribute "${key}" must be a CloudEvents attribute name: lower-case letters and digits, starting with a letter (type, source, subject, or an extension)`, { data: { filter: f, exitCode: 2 } });
    if (key in out) throw new FnkitError('FN_ERR_BAD_FILTER', `filter attribute "${key}" is given twice (${out[key]} and ${value}); Trigger filters are exact matches ANDed together`, { data: { filter: f, exitCode: 2 } });
    out[key] = value;
  }
  return out;
}

export function checkBroker(broker: string): void {
  if (!isDns1123Subdomain(broker)) {
    throw new FnkitError('FN_ERR_BAD_BROKER', `broker "${broker}" is not a valid Broker name (lower-case letters, digits, "-" and ".")`, { data: { broker, exitCode: 2 } });
  }
}

/** The Trigger `fn subscribe` would apply, validated; `svc` is the function's live Service. */
export function subscriptionTrigger(svc: KubeObject, sub: Subscription): KnativeTrigger {
  checkBroker(sub.broker);
  if (Object.keys(sub.filters).length === 0) {
    throw new FnkitError('FN_ERR_BAD_FILTER', 'a subscription needs at least one filter (e.g. type=com.example.order.created); without one every event on the broker would be delivered', { data: { exitCode: 2 } });
  }
  if (sub.path !== undefined && !sub.path.startsWith('/')) {
    throw new FnkitError('FN_ERR_BAD_PATH', `path "${sub.path}" must start with "/" (it is relative to the function's URL)`, { data: { path: sub.path, exitCode: 2 } });
  }
  const ns = svc.metadata.namespace!;
  // toTrigger reads only name, runtime and deploy labels from the spec; take them from the Service
  const spec = { name: svc.metadata.name, runtime: svc.metadata.labels?.['fnkit.dev/runtime'] ?? 'node', deploy: {} } as unknown as FunctionSpec;
  const t = markTrigger(toTrigger(spec, sub, { namespace: ns, owner: serviceOwnerRef(svc.metadata.name, svc.metadata.uid!) }), 'cli');
  validateTrigger(t);
  return t;
}

export async function subscribe(kube: KubeClient, name: string, ns: string, sub: Subscription, signal?: AbortSignal): Promise<KnativeTrigger> {
  const svc = await requireService(kube, name, ns, signal);
  const t = subscriptionTrigger(svc, sub);
  return kube.apply<KnativeTrigger>(TRIGGER, t as unknown as KubeObject, { signal });
}

/** Deletes the Trigger for (broker, filters), or with no filters every Trigger of the function on that broker. */
export async function unsubscribe(kube: KubeClient, name: string, ns: string, broker: string, filters: Record<string, string> | undefined, signal?: AbortSignal): Promise<string[]> {
  checkBroker(broker);
  const { items } = await kube.list(TRIGGER, { namespace: ns, labelSelector: `${FUNCTION_LABEL}=${name}`, signal });
  const target = filters && Object.keys(filters).length > 0 ? triggerName(name, { broker, filters }) : undefined;
  const doomed = items.filter((t) => t.spec?.broker === broker && (target === undefined || t.metadata.name === target));
  if (doomed.length === 0) {
    const have = items.map((t) => `${t.spec?.broker} ${JSON.stringify(t.spec?.filter?.attributes ?? {})}`);
    throw new FnkitError('FN_ERR_NO_SUBSCRIPTION', `function "${name}" in namespace "${ns}" has no subscription to broker "${broker}"${target ? ` with filters ${JSON.stringify(filters)}` : ''}; it has ${have.length ? have.join(', ') : 'none'}`, {
      hint: 'fn describe lists the subscriptions with their filters',
      data: { name, namespace: ns, broker },
    });
  }
  const removed: string[] = [];
  for (const t of doomed) if (await kube.delete(TRIGGER, t.metadata.name, ns, signal)) removed.push(t.metadata.name);
  return removed;
}
