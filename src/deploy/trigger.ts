// A subscription (fn.yaml deploy.subscriptions or `fn subscribe`) to a Knative Eventing
// Trigger that delivers a Broker's matching events to the function's Knative Service
// (cloudevents.md §6: subscriber.ref to the Service, optional relative uri, exact-match filter).
import { createHash } from 'node:crypto';
import type { FunctionSpec } from '../config/types.js';
import type { KnativeTrigger, OwnerRef } from './types.js';
import { functionLabels } from './manifest.js';

export interface Subscription {
  broker: string;
  /** Exact CloudEvents attribute matches (type, source, extensions), ANDed. */
  filters: Record<string, string>;
  /** Relative path on the function the events are POSTed to, e.g. /events. */
  path?: string;
}

export interface TriggerOptions {
  namespace?: string;
  /** The Knative Service (or Function resource) the Trigger is garbage-collected with. */
  owner?: OwnerRef;
  managedBy?: string;
}

/**
 * `<fn>-<broker>-<hash>`: readable, at most 63 characters, DNS-1123, and the same for the same
 * (broker, filters) whatever order the filters were written in; the path is not part of it, so
 * moving a subscription to another path updates the Trigger in place.
 */
export function triggerName(fnName: string, sub: Subscription): string {
  const canonical = JSON.stringify([sub.broker, sortedEntries(sub.filters)]);
  const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 8);
  const readable = `${fnName}-${sub.broker}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63 - hash.length - 1)
    .replace(/-+$/, '');
  return `${readable}-${hash}`;
}

export function toTrigger(spec: FunctionSpec, sub: Subscription, opts: TriggerOptions = {}): KnativeTrigger {
  const namespace = opts.namespace ?? spec.deploy.namespace;
  const filters = sortedEntries(sub.filters);
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: {
      name: triggerName(spec.name, sub),
      ...(namespace ? { namespace } : {}),
      labels: functionLabels(spec, opts.managedBy),
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
    },
    spec: {
      broker: sub.broker,
      ...(filters.length > 0 ? { filter: { attributes: Object.fromEntries(filters) } } : {}),
      subscriber: {
        ref: {
          apiVersion: 'serving.knative.dev/v1',
          kind: 'Service',
          name: spec.name,
          ...(namespace ? { namespace } : {}),
        },
        ...(sub.path ? { uri: sub.path } : {}),
      },
    },
  };
}

/** The Triggers fn.yaml asks for (deploy.subscriptions). */
export function toTriggers(spec: FunctionSpec, opts: TriggerOptions = {}): KnativeTrigger[] {
  return (spec.deploy.subscriptions ?? []).map((s) => toTrigger(spec, s, opts));
}

/** An owner reference to a Knative Service, for Triggers made next to it. */
export function serviceOwnerRef(name: string, uid: string): OwnerRef {
  return { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name, uid, controller: false, blockOwnerDeletion: true };
}

function sortedEntries(r: Record<string, string>): Array<[string, string]> {
  return Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
