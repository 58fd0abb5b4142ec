// fn.yaml-level checks for deploy: run before anything reaches a cluster. Each message names the
// fn.yaml field (deploy.scale.max...) and says what is allowed, mirroring the Knative webhook
// rule it anticipates (schemas/VALIDATION.md, cited per rule).
import type { FunctionSpec } from '../config/types.js';
import { FnkitError } from '../errors.js';
import {
  DNS1035_LABEL_RULE, DNS1123_LABEL_RULE, DNS1123_SUBDOMAIN_RULE, ENV_NAME, INVOKER_ENV, RESERVED_ENV,
  isConfigKey, isDns1035Label, isDns1123Label, isDns1123Subdomain, isQuantity, labelValueProblem,
  normalizeQuantity, qualifiedNameProblem, quantityValue, splitRef, windowSeconds,
} from './validate-rules.js';

export interface Problem {
  field: string;
  message: string;
}

/** Knative's default max-revision-timeout-seconds (config/defaults.go L42-45). */
export const MAX_TIMEOUT_SECONDS = 600;
/** Default container-concurrency-max-limit. */
export const MAX_CONTAINER_CONCURRENCY = 1000;
const INT32_MAX = 2 ** 31 - 1;
/** Set by fnkit itself; a user label or env var of these names would be overwritten or clash. */
export const RESERVED_LABELS = [
  'app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/managed-by',
  'networking.knative.dev/visibility',
];
const FN_ENV: readonly string[] = Object.values(INVOKER_ENV);
const CE_ATTRIBUTE = /^[a-z][a-z0-9]*$/;

/** Throws one FnkitError listing every problem in spec.deploy (and the top-level fields deploy depends on). */
export function validateDeploySection(spec: FunctionSpec): void {
  const problems = deployProblems(spec);
  if (problems.length === 0) return;
  const where = spec.file || `function "${spec.name}"`;
  const text = problems.map((p) => `field "${p.field}" ${p.message}`).join('; ');
  throw new FnkitError('FN_ERR_FN_YAML_INVALID', `${where}: ${text}`, {
    hint: 'fix the deploy settings in fn.yaml; docs/deploy-translation.md lists every key and its range',
    data: { file: spec.file, field: problems[0]!.field, problems },
  });
}

export function deployProblems(spec: FunctionSpec): Problem[] {
  const p: Problem[] = [];
  const add = (field: string, message: string) => p.push({ field, message });
  const d = spec.deploy ?? {};

  // Service names are DNS-1035 labels (VALIDATION.md "Metadata").
  if (!isDns1035Label(spec.name)) add('name', `must be a DNS-1035 label (${DNS1035_LABEL_RULE}), got "${spec.name}"`);
  // timeoutSeconds <= max-revision-timeout-seconds (revision_validation.go validateTimeoutSeconds L174).
  if (Math.ceil(spec.timeout) > MAX_TIMEOUT_SECONDS) {
    add('timeout', `must be at most ${MAX_TIMEOUT_SECONDS}s to deploy to Knative (max-revision-timeout-seconds), got ${spec.timeout}s`);
  }
  if (d.namespace !== undefined && !isDns1123Label(d.namespace)) {
    add('deploy.namespace', `must be a DNS-1123 label (${DNS1123_LABEL_RULE}), got "${d.namespace}"`);
  }
  scaleProblems(d.scale ?? {}, add);
  if (d.concurrency !== undefined && (d.concurrency < 0 || d.concurrency > MAX_CONTAINER_CONCURRENCY)) {
    add('deploy.concurrency', `must be between 0 (unlimited) and ${MAX_CONTAINER_CONCURRENCY}, got ${d.concurrency}`);
  }
  if (spec.runtime === 'lambda' && d.concurrency !== undefined) {
    // Each Lambda worker runs one event at a time (issue 3); requests beyond the pool would queue
    // inside the pod, where Knative's autoscaler cannot see them.
    const pool = typeof spec.lambda?.concurrency === 'number' ? spec.lambda.concurrency : 1;
    if (d.concurrency === 0 || d.concurrency > pool) {
      add('deploy.concurrency', `must be between 1 and lambda.concurrency (${pool}) for runtime lambda, got ${d.concurrency}: raise lambda.concurrency for more events per pod, or leave deploy.concurrency unset`);
    }
  }
  resourceProblems(d.resources ?? {}, add);
  envProblems(spec, add);
  trafficProblems(spec, add);
  subscriptionProblems(d.subscriptions ?? [], add);
  if (d.serviceAccountName !== undefined && !isDns1123Subdomain(d.serviceAccountName)) {
    add('deploy.serviceAccountName', `must be a DNS subdomain (${DNS1123_SUBDOMAIN_RULE}), got "${d.serviceAccountName}"`);
  }
  const pullSecrets = new Set<string>();
  (d.imagePullSecrets ?? []).forEach((s, i) => {
    if (!isDns1123Subdomain(s)) add(`deploy.imagePullSecrets[${i}]`, `must be a Secret name (${DNS1123_SUBDOMAIN_RULE}), got "${s}"`);
    if (pullSecrets.has(s)) add(`deploy.imagePullSecrets[${i}]`, `repeats "${s}"`);
    pullSecrets.add(s);
  });
  for (const [k, v] of Object.entries(d.labels ?? {})) {
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) add(`deploy.labels.${k}`, `has an invalid key: ${keyProblem}`);
    const valueProblem = labelValueProblem(v);
    if (valueProblem) add(`deploy.labels.${k}`, `has an invalid value "${v}": ${valueProblem}`);
    if (RESERVED_LABELS.includes(k) || k.startsWith('fnkit.dev/')) {
      add(`deploy.labels.${k}`, 'is set by fnkit itself; remove it (use deploy.visibility for cluster-local)');
    }
    if (k.startsWith('serving.knative.dev/')) add(`deploy.labels.${k}`, 'is reserved by Knative Serving');
  }
  for (const k of Object.keys(d.annotations ?? {})) {
    const keyProblem = qualifiedNameProblem(k);
    if (keyProblem) add(`deploy.annotations.${k}`, `has an invalid key: ${keyProblem}`);
    // ValidateHasNoAutoscalingAnnotation (metadata_validation.go L81).
    if (k.startsWith('autoscaling.knative.dev/')) {
      add(`deploy.annotations.${k}`, 'is an autoscaling annotation, which Knative accepts only on the revision template: use deploy.scale');
    }
    if (k.startsWith('serving.knative.dev/') && k !== 'serving.knative.dev/rollout-duration') {
      add(`deploy.annotations.${k}`, 'is reserved by Knative Serving (only serving.knative.dev/rollout-duration may be set)');
    }
  }
  return p;
}

type Add = (field: string, message: string) => void;

function scaleProblems(s: NonNullable<FunctionSpec['deploy']['scale']>, add: Add): void {
  // annotation_validation.go ValidateAnnotations L54.
  for (const k of ['min', 'max'] as const) {
    const v = s[k];
    if (v !== undefined && (v < 0 || v > INT32_MAX)) add(`deploy.scale.${k}`, `must be a whole number from 0 to ${INT32_MAX}, got ${v}`);
  }
  if (s.min !== undefined && s.max !== undefined && s.max !== 0 && s.max < s.min) {
    add('deploy.scale.max', `must be at least deploy.scale.min (${s.min}) or 0 for unlimited, got ${s.max}`);
  }
  if (s.initial !== undefined) {
    if (s.initial < 1 || s.initial > INT32_MAX) {
      add('deploy.scale.initial', `must be at least 1 (0 needs allow-zero-initial-scale on the cluster), got ${s.initial}`);
    } else if (s.max !== undefined && s.max !== 0 && s.initial > s.max) {
      add('deploy.scale.initial', `must not exceed deploy.scale.max (${s.max}), got ${s.initial}`);
    }
  }
  if (s.target !== undefined && !(s.target >= 0.01)) add('deploy.scale.target', `must be at least 0.01, got ${s.target}`);
  if (s.utilization !== undefined && !(s.utilization >= 1 && s.utilization <= 100)) {
    add('deploy.scale.utilization', `must be a percentage from 1 to 100, got ${s.utilization}`);
  }
  if (s.window !== undefined) {
    const w = windowSeconds(s.window);
    if (w === undefined) add('deploy.scale.window', `must be a duration like "60s" or "2m", got "${s.window}"`);
    else if (w < 6 || w > 3600 || !Number.isInteger(w)) {
      add('deploy.scale.window', `must be whole seconds from 6s to 1h, got "${s.window}"`);
    }
    // The window is a KPA setting; cpu/memory select the HPA class.
    if (s.metric === 'cpu' || s.metric === 'memory') {
      add('deploy.scale.window', `applies only to the concurrency and rps metrics, not "${s.metric}"`);
    }
  }
}

function resourceProblems(r: NonNullable<FunctionSpec['deploy']['resources']>, add: Add): void {
  const values: Record<string, number> = {};
  for (const kind of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) {
      const raw = r[kind]?.[res];
      if (raw === undefined) continue;
      const q = normalizeQuantity(raw);
      const field = `deploy.resources.${kind}.${res}`;
      if (!isQuantity(q) || quantityValue(q) <= 0) {
        add(field, `must be a positive Kubernetes quantity like ${res === 'cpu' ? '"500m" or 1' : '"256Mi" or "1Gi"'}, got "${raw}"`);
      } else values[`${kind}.${res}`] = quantityValue(q);
    }
  }
  for (const res of ['cpu', 'memory'] as const) {
    const req = values[`requests.${res}`];
    const lim = values[`limits.${res}`];
    if (req !== undefined && lim !== undefined && req > lim) {
      add(`deploy.resources.requests.${res}`, `must not exceed deploy.resources.limits.${res} (${r.limits![res]}), got ${r.requests![res]}`);
    }
  }
}

function envProblems(spec: FunctionSpec, add: Add): void {
  const d = spec.deploy;
  const seen = new Map<string, string>();
  const check = (name: string, field: string) => {
    // reservedEnvVars (k8s_validation.go L54): Knative sets these itself.
    if ((RESERVED_ENV as readonly string[]).includes(name)) add(field, `uses "${name}", which Knative sets itself (reserved: ${RESERVED_ENV.join(', ')})`);
    else if (FN_ENV.includes(name)) add(field, `uses "${name}", which fnkit sets from fn.yaml (${FN_ENV.join(', ')}): change timeout or invoker.* instead`);
    if (!ENV_NAME.test(name)) add(field, `must be a variable name (letters, digits, "_", not starting with a digit), got "${name}"`);
    const other = seen.get(name);
    if (other) add(field, `sets "${name}", which ${other} already sets`);
    else seen.set(name, field);
  };
  for (const name of Object.keys(spec.env)) check(name, `env.${name}`);
  for (const [kind, refs] of [['secrets', d.secrets], ['configMaps', d.configMaps]] as const) {
    for (const [name, ref] of Object.entries(refs ?? {})) {
      const field = `deploy.${kind}.${name}`;
      check(name, field);
      const { name: obj, key } = splitRef(ref);
      const what = kind === 'secrets' ? 'secret' : 'configmap';
      if (!isDns1123Subdomain(obj) || !isConfigKey(key)) {
        add(field, `must be "<${what}-name>/<key>" (name: ${DNS1123_SUBDOMAIN_RULE}; key: letters, digits, "-", "_", "."), got "${ref}"`);
      }
    }
  }
  (d.envFrom ?? []).forEach((e, i) => {
    const entry = e as { secret?: string; configMap?: string };
    const field = `deploy.envFrom[${i}]`;
    // Exactly one of configMapRef/secretRef per entry (VALIDATION.md "Env").
    if ((entry.secret === undefined) === (entry.configMap === undefined)) {
      add(field, 'must have exactly one of "secret" or "configMap"');
      return;
    }
    const name = (entry.secret ?? entry.configMap)!;
    if (!isDns1123Subdomain(name)) add(`${field}.${entry.secret !== undefined ? 'secret' : 'configMap'}`, `must be a name (${DNS1123_SUBDOMAIN_RULE}), got "${name}"`);
  });
}

function trafficProblems(spec: FunctionSpec, add: Add): void {
  const t = spec.deploy.traffic ?? [];
  if (t.length === 0) return;
  let sum = 0;
  const tags = new Set<string>();
  const revisions = new Set<string>();
  t.forEach((e, i) => {
    const field = `deploy.traffic[${i}]`;
    // route_validation.go: percent in [0,100], revisionName xor latestRevision, tag DNS-1035 and unique.
    if (e.percent < 0 || e.percent > 100) add(`${field}.percent`, `must be from 0 to 100, got ${e.percent}`);
    sum += e.percent;
    if (e.revision !== undefined && e.latest === true) add(field, 'must have either "revision" or "latest: true", not both');
    else if (e.revision === undefined && e.latest !== true) add(field, 'must name a "revision" or set "latest: true"');
    if (e.revision !== undefined) {
      if (!e.revision.startsWith(`${spec.name}-`) || !isDns1035Label(e.revision)) {
        add(`${field}.revision`, `must be a revision of this function, named "${spec.name}-..." (${DNS1035_LABEL_RULE}), got "${e.revision}"`);
      }
      if (revisions.has(e.revision) && e.tag === undefined) add(`${field}.revision`, `lists "${e.revision}" twice without a tag`);
      revisions.add(e.revision);
    }
    if (e.tag !== undefined) {
      if (!isDns1035Label(e.tag)) add(`${field}.tag`, `must be a DNS-1035 label (${DNS1035_LABEL_RULE}), got "${e.tag}"`);
      if (tags.has(e.tag)) add(`${field}.tag`, `repeats the tag "${e.tag}"; tags must be unique`);
      tags.add(e.tag);
    }
  });
  if (sum !== 100) add('deploy.traffic', `percentages must add up to exactly 100, got ${sum}`);
}

function subscriptionProblems(subs: NonNullable<FunctionSpec['deploy']['subscriptions']>, add: Add): void {
  const seen = new Map<string, number>();
  subs.forEach((s, i) => {
    const field = `deploy.subscriptions[${i}]`;
    if (!isDns1123Subdomain(s.broker)) add(`${field}.broker`, `must be a Broker name (${DNS1123_SUBDOMAIN_RULE}), got "${s.broker}"`);
    const keys = Object.keys(s.filters);
    // An unfiltered Trigger also receives the function's own replies, which re-enter the broker (cloudevents.md §6).
    if (keys.length === 0) add(`${field}.filters`, 'must match at least one attribute (e.g. type); an empty filter also delivers the function its own reply events');
    for (const k of keys) {
      // trigger_validation.go: filter.attributes keys match ^[a-z][a-z0-9]*$.
      if (!CE_ATTRIBUTE.test(k)) add(`${field}.filters.${k}`, 'must be a CloudEvents attribute name (lower-case letters and digits, starting with a letter)');
      if (s.filters[k] === '') add(`${field}.filters.${k}`, 'must not be empty');
    }
    // subscriber.uri with a ref must be relative (trigger_validation.go).
    if (s.path !== undefined && (!s.path.startsWith('/') || /\s|[?#]/.test(s.path) || s.path.startsWith('//'))) {
      add(`${field}.path`, `must be an absolute path on the function like "/events" (no scheme, host, query or spaces), got "${s.path}"`);
    }
    const id = JSON.stringify([s.broker, Object.entries(s.filters).sort()]);
    const first = seen.get(id);
    if (first !== undefined) add(field, `repeats deploy.subscriptions[${first}] (same broker and filters)`);
    else seen.set(id, i);
  });
}
