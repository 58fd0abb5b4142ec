// The Knative Serving admission-webhook rules a generated Service must pass, which its CRD
// schema cannot express (schemas/VALIDATION.md, "Validation a generated serving.knative.dev/v1
// Service must pass"; each rule cites the knative/serving v1.23.0 source it restates), plus
// fnkit's own rules: digest-pinned image and the restricted security context.
import type { SchemaProblem as Problem } from './validate-crd.js';
import {
  DNS1035_LABEL_RULE, DNS1123_SUBDOMAIN_RULE, RESERVED_ENV, RESERVED_PORTS, isDns1035Label, isDns1123Label,
  isDns1123Subdomain, isQuantity, labelValueProblem, qualifiedNameProblem, quantityValue, goDurationSeconds, DIGEST_REF,
} from './validate-rules.js';
import { annotationProblems } from './validate-annotations.js';

export interface ServiceRuleOptions {
  /** config-defaults max-revision-timeout-seconds (default 600). */
  maxTimeoutSeconds?: number;
  /** config-defaults container-concurrency-max-limit (default 1000). */
  maxContainerConcurrency?: number;
  /** fnkit requires repo@sha256:...; the controller and deploy always pass a digest. */
  requireDigest?: boolean;
}

type Obj = Record<string, any>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function serviceRuleProblems(svc: unknown, opts: ServiceRuleOptions = {}): Problem[] {
  const p: Problem[] = [];
  const add = (path: string, message: string) => p.push({ path, message });
  if (!isObj(svc)) return [{ path: '(root)', message: 'must be an object' }];
  if (svc.apiVersion !== 'serving.knative.dev/v1') add('apiVersion', `must be serving.knative.dev/v1, got ${JSON.stringify(svc.apiVersion)}`);
  if (svc.kind !== 'Service') add('kind', `must be Service, got ${JSON.stringify(svc.kind)}`);
  const meta: Obj = isObj(svc.metadata) ? svc.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  // knative/pkg apis/metadata_validation.go: name required, a DNS-1035 label.
  if (!isDns1035Label(name)) add('metadata.name', `must be a DNS-1035 label (${DNS1035_LABEL_RULE}), got ${JSON.stringify(meta.name)}`);
  if (meta.namespace !== undefined && !(typeof meta.namespace === 'string' && isDns1123Label(meta.namespace))) {
    add('metadata.namespace', `must be a DNS-1123 label, got ${JSON.stringify(meta.namespace)}`);
  }
  metaMapProblems(meta, 'metadata', add);
  for (const k of Object.keys(isObj(meta.annotations) ? meta.annotations : {})) {
    // ValidateHasNoAutoscalingAnnotation (pkg/apis/serving/metadata_validation.go L81).
    if (k.startsWith('autoscaling.knative.dev/')) add(`metadata.annotations.${k}`, 'autoscaling annotations must be put under spec.template.metadata.annotations');
  }
  const rollout = isObj(meta.annotations) ? meta.annotations['serving.knative.dev/rollout-duration'] : undefined;
  if (rollout !== undefined) {
    // metadata_validation.go L52: a Go duration, >= 0, whole seconds.
    const s = typeof rollout === 'string' ? goDurationSeconds(rollout) : undefined;
    if (s === undefined || !Number.isInteger(s)) add('metadata.annotations.serving.knative.dev/rollout-duration', `must be a whole-second duration like "120s", got ${JSON.stringify(rollout)}`);
  }

  const spec: Obj = isObj(svc.spec) ? svc.spec : {};
  const tpl: Obj = isObj(spec.template) ? spec.template : {};
  const tmeta: Obj = isObj(tpl.metadata) ? tpl.metadata : {};
  metaMapProblems(tmeta, 'spec.template.metadata', add);
  // revision_validation.go validateRevisionName L139.
  if (tmeta.name !== undefined && !(typeof tmeta.name === 'string' && tmeta.name.startsWith(`${name}-`) && isDns1035Label(tmeta.name))) {
    add('spec.template.metadata.name', `must be a DNS-1035 label starting with "${name}-", got ${JSON.stringify(tmeta.name)}`);
  }
  for (const q of annotationProblems(isObj(tmeta.annotations) ? tmeta.annotations : {})) add(`spec.template.metadata.annotations.${q.path}`, q.message);
  podSpecProblems(isObj(tpl.spec) ? tpl.spec : {}, opts, add);
  trafficProblems(spec.traffic, name, add);
  return p;
}

function metaMapProblems(meta: Obj, at: string, add: (path: string, message: string) => void): void {
  for (const [k, v] of Object.entries(isObj(meta.labels) ? meta.labels : {})) {
    const kp = qualifiedNameProblem(k);
    if (kp) add(`${at}.labels.${k}`, `invalid key: ${kp}`);
    const vp = typeof v === 'string' ? labelValueProblem(v) : 'must be a string';
    if (vp) add(`${at}.labels.${k}`, `invalid value: ${vp}`);
  }
  let size = 0;
  for (const [k, v] of Object.entries(isObj(meta.annotations) ? meta.annotations : {})) {
    const kp = qualifiedNameProblem(k);
    if (kp) add(`${at}.annotations.${k}`, `invalid key: ${kp}`);
    if (typeof v !== 'string') add(`${at}.annotations.${k}`, 'must be a string');
    size += k.length + String(v).length;
  }
  // apimachinery ValidateAnnotations: total size at most 256 KiB.
  if (size > 256 * 1024) add(`${at}.annotations`, `total size must be at most 262144 bytes, got ${size}`);
}

function podSpecProblems(ps: Obj, opts: ServiceRuleOptions, add: (path: string, message: string) => void): void {
  const at = 'spec.template.spec';
  const maxTimeout = opts.maxTimeoutSeconds ?? 600;
  const maxCc = opts.maxContainerConcurrency ?? 1000;
  // revision_validation.go validateTimeoutSeconds L174.
  if (ps.timeoutSeconds !== undefined && !(Number.isInteger(ps.timeoutSeconds) && ps.timeoutSeconds >= 0 && ps.timeoutSeconds <= maxTimeout)) {
    add(`${at}.timeoutSeconds`, `must be a whole number from 0 to ${maxTimeout} (max-revision-timeout-seconds), got ${JSON.stringify(ps.timeoutSeconds)}`);
  }
  // ValidateContainerConcurrency (metadata_validation.go L92).
  if (ps.containerConcurrency !== undefined && !(Number.isInteger(ps.containerConcurrency) && ps.containerConcurrency >= 0 && ps.containerConcurrency <= maxCc)) {
    add(`${at}.containerConcurrency`, `must be from 0 to ${maxCc}, got ${JSON.stringify(ps.containerConcurrency)}`);
  }
  // fieldmask.go PodSpecMask L222.
  if (ps.automountServiceAccountToken === true) add(`${at}.automountServiceAccountToken`, 'may only be false');
  if (ps.serviceAccountName !== undefined && !(typeof ps.serviceAccountName === 'string' && isDns1123Subdomain(ps.serviceAccountName))) {
    add(`${at}.serviceAccountName`, `must be a DNS subdomain (${DNS1123_SUBDOMAIN_RULE})`);
  }
  (Array.isArray(ps.imagePullSecrets) ? ps.imagePullSecrets : []).forEach((s: Obj, i: number) => {
    if (!isObj(s) || typeof s.name !== 'string' || !isDns1123Subdomain(s.name)) add(`${at}.imagePullSecrets[${i}].name`, 'must be a Secret name');
  });
  const containers: Obj[] = Array.isArray(ps.containers) ? ps.containers : [];
  if (containers.length === 0) add(`${at}.containers`, 'must hold at least one container');
  // k8s_validation.go L474, L512: with several containers exactly one declares ports.
  const withPorts = containers.filter((c) => isObj(c) && Array.isArray(c.ports) && c.ports.length > 0);
  if (containers.length > 1 && withPorts.length !== 1) add(`${at}.containers`, 'exactly one container must declare ports when there are several');
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const cat = `${at}.containers[${i}]`;
    if (!isObj(c)) return add(cat, 'must be an object');
    if (typeof c.name === 'string') {
      // L50: names unique, queue-proxy reserved.
      if (c.name === 'queue-proxy') add(`${cat}.name`, '"queue-proxy" is reserved by Knative');
      if (names.has(c.name)) add(`${cat}.name`, `repeats "${c.name}"`);
      names.add(c.name);
    }
    const serving = containers.length === 1 || withPorts[0] === c;
    containerProblems(c, cat, serving, opts, add);
  });
}

function containerProblems(c: Obj, at: string, serving: boolean, opts: ServiceRuleOptions, add: (path: string, message: string) => void): void {
  if (typeof c.image !== 'string' || c.image === '') add(`${at}.image`, 'is required');
  else if ((opts.requireDigest ?? true) && !DIGEST_REF.test(c.image)) add(`${at}.image`, `must be pinned by digest (repo@sha256:<64 hex>), got "${c.image}"`);
  if (c.terminationMessagePolicy !== undefined && !['', 'File', 'FallbackToLogsOnError'].includes(c.terminationMessagePolicy)) {
    add(`${at}.terminationMessagePolicy`, 'must be empty, File or FallbackToLogsOnError');
  }
  // validateContainerPorts L772, ContainerPortMask L484.
  const ports: Obj[] = Array.isArray(c.ports) ? c.ports : [];
  if (ports.length > 1) add(`${at}.ports`, `only one port may be declared, got ${ports.length}`);
  const port = ports[0];
  if (isObj(port)) {
    for (const k of Object.keys(port)) if (!['containerPort', 'name', 'protocol'].includes(k)) add(`${at}.ports[0].${k}`, 'is not allowed (only containerPort, name and protocol)');
    if (port.protocol !== undefined && port.protocol !== '' && port.protocol !== 'TCP') add(`${at}.ports[0].protocol`, `must be TCP, got ${JSON.stringify(port.protocol)}`);
    if (port.name !== undefined && !['', 'http1', 'h2c'].includes(port.name)) add(`${at}.ports[0].name`, `must be empty, "http1" or "h2c", got ${JSON.stringify(port.name)}`);
    const cp = port.containerPort;
    if (!(Number.isInteger(cp) && cp >= 0 && cp <= 65535)) add(`${at}.ports[0].containerPort`, `must be 0-65535, got ${JSON.stringify(cp)}`);
    else if ((RESERVED_PORTS as readonly number[]).includes(cp)) add(`${at}.ports[0].containerPort`, `${cp} is reserved by Knative (${RESERVED_PORTS.join(', ')})`);
  }
  envProblems(c, at, serving, add);
  for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
    if (c[kind] !== undefined) probeProblems(c[kind], `${at}.${kind}`, kind === 'readinessProbe', port, add);
  }
  resourceProblems(c.resources, `${at}.resources`, add);
  securityProblems(c.securityContext, `${at}.securityContext`, add);
}

function envProblems(c: Obj, at: string, serving: boolean, add: (path: string, message: string) => void): void {
  const seen = new Set<string>();
  (Array.isArray(c.env) ? c.env : []).forEach((e: Obj, i: number) => {
    const eat = `${at}.env[${i}]`;
    const n = isObj(e) ? e.name : undefined;
    if (typeof n !== 'string' || n === '' || n.includes('=')) return add(`${eat}.name`, `must be a variable name, got ${JSON.stringify(n)}`);
    // reservedEnvVars L54 (sidecars may set PORT).
    if (serving && (RESERVED_ENV as readonly string[]).includes(n)) add(`${eat}.name`, `"${n}" is reserved by Knative (${RESERVED_ENV.join(', ')})`);
    if (seen.has(n)) add(`${eat}.name`, `repeats "${n}"`);
    seen.add(n);
    if (e.valueFrom !== undefined) {
      const keys = isObj(e.valueFrom) ? Object.keys(e.valueFrom) : [];
      if (keys.length !== 1 || !['secretKeyRef', 'configMapKeyRef'].includes(keys[0]!)) {
        add(`${eat}.valueFrom`, 'must hold exactly one of secretKeyRef or configMapKeyRef (fieldRef needs kubernetes.podspec-fieldref)');
      }
      if (e.value !== undefined) add(eat, 'must not set both value and valueFrom');
    }
  });
  (Array.isArray(c.envFrom) ? c.envFrom : []).forEach((e: Obj, i: number) => {
    const refs = isObj(e) ? ['secretRef', 'configMapRef'].filter((k) => e[k] !== undefined) : [];
    if (refs.length !== 1) add(`${at}.envFrom[${i}]`, 'must hold exactly one of configMapRef or secretRef');
  });
}

function probeProblems(pr: unknown, at: string, readiness: boolean, port: Obj | undefined, add: (path: string, message: string) => void): void {
  if (!isObj(pr)) return add(at, 'must be an object');
  // validateProbe L875: exactly one handler.
  const handlers = ['httpGet', 'tcpSocket', 'exec', 'grpc'].filter((h) => pr[h] !== undefined);
  if (handlers.length !== 1) add(at, `must have exactly one handler (httpGet, tcpSocket, exec or grpc), got ${handlers.length}`);
  const h = pr.httpGet ?? pr.tcpSocket ?? pr.grpc;
  if (isObj(h) && h.port !== undefined && h.port !== 0) {
    // The serving container's probe port must be its container port (by name or number).
    const ok = typeof h.port === 'string' ? h.port === port?.name : h.port === (port?.containerPort ?? 8080);
    if (!ok) add(`${at}.${handlers[0]}.port`, `must be unset or the container port (${port?.name ?? port?.containerPort ?? 8080}), got ${JSON.stringify(h.port)}`);
  }
  if (readiness) {
    // validateReadinessProbe L828.
    const period = pr.periodSeconds ?? 0;
    if (period < 0) add(`${at}.periodSeconds`, 'must be >= 0');
    if (pr.successThreshold !== undefined && pr.successThreshold < 1) add(`${at}.successThreshold`, 'must be >= 1');
    for (const k of ['failureThreshold', 'timeoutSeconds'] as const) {
      const v = pr[k];
      if (period === 0 && v !== undefined && v !== 0) add(`${at}.${k}`, 'must be 0 or unset when periodSeconds is 0 (aggressive probing)');
      if (period > 0 && v !== undefined && v < 1) add(`${at}.${k}`, 'must be >= 1 when periodSeconds is set');
    }
  }
}

function resourceProblems(r: unknown, at: string, add: (path: string, message: string) => void): void {
  if (!isObj(r)) return;
  const val: Record<string, number> = {};
  for (const kind of ['requests', 'limits']) {
    for (const [res, q] of Object.entries(isObj(r[kind]) ? r[kind] : {})) {
      const s = typeof q === 'number' ? String(q) : q;
      if (typeof s !== 'string' || !isQuantity(s)) add(`${at}.${kind}.${res}`, `must be a Kubernetes quantity, got ${JSON.stringify(q)}`);
      else val[`${kind}.${res}`] = quantityValue(s);
    }
  }
  // core/v1 ValidateResourceRequirements: a request may not exceed its limit.
  for (const res of ['cpu', 'memory']) {
    const rq = val[`requests.${res}`];
    const lm = val[`limits.${res}`];
    if (rq !== undefined && lm !== undefined && rq > lm) add(`${at}.requests.${res}`, `must be less than or equal to the ${res} limit`);
  }
}

function securityProblems(sc: unknown, at: string, add: (path: string, message: string) => void): void {
  if (!isObj(sc)) return add(at, 'must set the restricted profile (runAsNonRoot, allowPrivilegeEscalation: false, drop ALL, RuntimeDefault seccomp)');
  // SecurityContextMask L711.
  if (sc.privileged !== undefined && sc.privileged !== false) add(`${at}.privileged`, 'may only be false');
  if (isObj(sc.capabilities) && sc.capabilities.add !== undefined) add(`${at}.capabilities.add`, 'needs kubernetes.containerspec-addcapabilities; fnkit functions add none');
  for (const k of ['runAsUser', 'runAsGroup']) {
    if (sc[k] !== undefined && !(Number.isInteger(sc[k]) && sc[k] >= 0 && sc[k] <= 2 ** 31 - 1)) add(`${at}.${k}`, 'must be 0..2147483647');
  }
  // fnkit rule: the PSS restricted profile the webhook warns about (VALIDATION.md "securityContext").
  if (sc.runAsNonRoot !== true) add(`${at}.runAsNonRoot`, 'must be true');
  if (sc.allowPrivilegeEscalation !== false) add(`${at}.allowPrivilegeEscalation`, 'must be false');
  const drop = isObj(sc.capabilities) && Array.isArray(sc.capabilities.drop) ? sc.capabilities.drop : [];
  if (!drop.includes('ALL')) add(`${at}.capabilities.drop`, 'must include ALL');
  if (!isObj(sc.seccompProfile) || sc.seccompProfile.type !== 'RuntimeDefault') add(`${at}.seccompProfile.type`, 'must be RuntimeDefault');
}

function trafficProblems(traffic: unknown, name: string, add: (path: string, message: string) => void): void {
  if (traffic === undefined) return;
  if (!Array.isArray(traffic)) return add('spec.traffic', 'must be a list');
  if (traffic.length === 0) return;
  let sum = 0;
  const tags = new Set<string>();
  traffic.forEach((t: Obj, i: number) => {
    const at = `spec.traffic[${i}]`;
    if (!isObj(t)) return add(at, 'must be an object');
    const pct = t.percent ?? 0;
    // route_validation.go L48-L200.
    if (!(Number.isInteger(pct) && pct >= 0 && pct <= 100)) add(`${at}.percent`, `must be 0-100, got ${JSON.stringify(t.percent)}`);
    else sum += pct;
    if (t.configurationName !== undefined) add(`${at}.configurationName`, 'is not allowed on a Service');
    if (t.url !== undefined) add(`${at}.url`, 'is not allowed in spec');
    const rev = t.revisionName;
    if (rev !== undefined && t.latestRevision === true) add(at, 'must not set both revisionName and latestRevision: true');
    if (t.latestRevision === false && rev === undefined) add(`${at}.revisionName`, 'is required when latestRevision is false');
    if (rev !== undefined && !(typeof rev === 'string' && rev.startsWith(`${name}-`) && isDns1035Label(rev))) {
      add(`${at}.revisionName`, `must be a revision of "${name}" (named "${name}-..."), got ${JSON.stringify(rev)}`);
    }
    if (t.tag !== undefined) {
      if (!(typeof t.tag === 'string' && isDns1035Label(t.tag))) add(`${at}.tag`, `must be a DNS-1035 label, got ${JSON.stringify(t.tag)}`);
      else if (tags.has(t.tag)) add(`${at}.tag`, `repeats "${t.tag}"`);
      tags.add(t.tag);
    }
  });
  if (sum !== 100) add('spec.traffic', `percent values must sum to 100, got ${sum}`);
}
