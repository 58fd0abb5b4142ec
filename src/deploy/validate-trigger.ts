// Knative Eventing Trigger rules beyond its (mostly preserve-unknown) CRD schema:
// pkg/apis/eventing/v1/trigger_validation.go @ knative/eventing v1.22.2, summarised in
// schemas/VALIDATION.md "Eventing Trigger validation".
import type { SchemaProblem as Problem } from './validate-crd.js';
import { isDns1123Subdomain, labelValueProblem, qualifiedNameProblem } from './validate-rules.js';

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const ATTRIBUTE = /^[a-z][a-z0-9]*$/;

export function triggerRuleProblems(t: unknown): Problem[] {
  const p: Problem[] = [];
  const add = (path: string, message: string) => p.push({ path, message });
  if (!isObj(t)) return [{ path: '(root)', message: 'must be an object' }];
  if (t.apiVersion !== 'eventing.knative.dev/v1') add('apiVersion', `must be eventing.knative.dev/v1, got ${JSON.stringify(t.apiVersion)}`);
  if (t.kind !== 'Trigger') add('kind', `must be Trigger, got ${JSON.stringify(t.kind)}`);
  const meta: Obj = isObj(t.metadata) ? t.metadata : {};
  if (!(typeof meta.name === 'string' && isDns1123Subdomain(meta.name))) add('metadata.name', `must be a DNS subdomain name, got ${JSON.stringify(meta.name)}`);
  for (const [k, v] of Object.entries(isObj(meta.labels) ? meta.labels : {})) {
    const kp = qualifiedNameProblem(k) ?? (typeof v === 'string' ? labelValueProblem(v) : 'must be a string');
    if (kp) add(`metadata.labels.${k}`, kp);
  }
  (Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []).forEach((o: Obj, i: number) => {
    for (const k of ['apiVersion', 'kind', 'name', 'uid']) if (!(isObj(o) && typeof o[k] === 'string' && o[k] !== '')) add(`metadata.ownerReferences[${i}].${k}`, 'is required');
  });
  const ann: Obj = isObj(meta.annotations) ? meta.annotations : {};
  const spec: Obj = isObj(t.spec) ? t.spec : {};
  const inj = ann['eventing.knative.dev/injection'];
  if (inj !== undefined && !(['enabled', 'disabled'].includes(inj) && spec.broker === 'default')) {
    add('metadata.annotations.eventing.knative.dev/injection', 'must be enabled or disabled, and only with broker "default"');
  }
  const hasBroker = typeof spec.broker === 'string' && spec.broker !== '';
  if (hasBroker === (spec.brokerRef !== undefined)) add('spec.broker', 'exactly one of spec.broker and spec.brokerRef must be set');
  if (isObj(spec.brokerRef) && spec.brokerRef.namespace !== undefined) add('spec.brokerRef.namespace', 'needs the cross-namespace-event-links feature');
  const sub: Obj = isObj(spec.subscriber) ? spec.subscriber : {};
  const ref = sub.ref;
  const uri = sub.uri;
  if (ref === undefined && uri === undefined) add('spec.subscriber', 'needs a ref or a uri');
  if (isObj(ref)) {
    for (const k of ['apiVersion', 'kind', 'name']) if (typeof ref[k] !== 'string' || ref[k] === '') add(`spec.subscriber.ref.${k}`, 'is required');
    if (meta.namespace !== undefined && ref.namespace !== undefined && ref.namespace !== meta.namespace) {
      add('spec.subscriber.ref.namespace', 'must be the Trigger\'s namespace');
    }
  }
  if (uri !== undefined) {
    const absolute = typeof uri === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(uri);
    // With ref, the uri is resolved against the ref's address, so it must be relative.
    if (ref !== undefined && absolute) add('spec.subscriber.uri', 'must be relative when a ref is given');
    if (ref === undefined && !absolute) add('spec.subscriber.uri', 'must be an absolute URL when no ref is given');
    if (typeof uri !== 'string') add('spec.subscriber.uri', 'must be a string');
  }
  if (spec.filter !== undefined) {
    const attrs = isObj(spec.filter) ? spec.filter.attributes : undefined;
    for (const [k, v] of Object.entries(isObj(attrs) ? attrs : {})) {
      if (!ATTRIBUTE.test(k)) add(`spec.filter.attributes.${k}`, 'keys must match ^[a-z][a-z0-9]*$');
      if (typeof v !== 'string') add(`spec.filter.attributes.${k}`, 'values must be strings');
    }
  }
  (Array.isArray(spec.filters) ? spec.filters : []).forEach((f: Obj, i: number) => {
    const dialects = isObj(f) ? Object.keys(f).filter((k) => ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'cesql'].includes(k)) : [];
    if (dialects.length !== 1) add(`spec.filters[${i}]`, 'must hold exactly one dialect (exact, prefix, suffix, all, any, not, cesql)');
  });
  const d = spec.delivery;
  if (isObj(d)) {
    if (d.retry !== undefined && !(Number.isInteger(d.retry) && d.retry >= 0)) add('spec.delivery.retry', 'must be >= 0');
    if (d.backoffPolicy !== undefined && !['linear', 'exponential'].includes(d.backoffPolicy)) add('spec.delivery.backoffPolicy', 'must be linear or exponential');
    for (const k of ['backoffDelay', 'timeout']) {
      if (d[k] !== undefined && !(typeof d[k] === 'string' && /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(d[k]))) add(`spec.delivery.${k}`, 'must be an ISO-8601 duration like PT0.2S');
    }
    if (d.format !== undefined && !['json', 'binary'].includes(d.format)) add('spec.delivery.format', 'must be json or binary');
  }
  return p;
}
