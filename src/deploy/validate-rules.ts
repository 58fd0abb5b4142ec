// Name, key and value syntaxes shared by the fn.yaml checks and the webhook rules. Each regex
// cites where Kubernetes or Knative defines it.

/** DNS-1123 label (k8s apimachinery validation.IsDNS1123Label): namespaces, broker names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1035 label (IsDNS1035Label): Knative Service, revision and traffic tag names (VALIDATION.md "Metadata"). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain (IsDNS1123Subdomain): Secret, ConfigMap, ServiceAccount names; key prefixes. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The name part of a qualified name (IsQualifiedName): label and annotation keys. */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
/** Label values (IsValidLabelValue): empty, or up to 63 of these. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** ConfigMap/Secret keys (IsConfigMapKey). */
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** Container env names (IsEnvVarName): anything but '=' would pass k8s; we keep shells happy. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** k8s resource.Quantity, without sign (a negative request is never meant). */
const QUANTITY = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+|E[+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;

export const DNS1123_LABEL_RULE = 'lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
export const DNS1035_LABEL_RULE = 'lower-case letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters';
export const DNS1123_SUBDOMAIN_RULE = 'lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters';

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}
export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}
export function isConfigKey(s: string): boolean {
  return s.length <= 253 && CONFIG_KEY.test(s) && s !== '.' && s !== '..';
}

/** Why a label/annotation key is invalid (k8s IsQualifiedName), or undefined when it is fine. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a key has at most one "/" (prefix/name)';
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (!isDns1123Subdomain(prefix)) return `the prefix "${prefix}" must be a DNS subdomain (${DNS1123_SUBDOMAIN_RULE})`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'the name part must be 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why a label value is invalid (IsValidLabelValue), or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `a label value is at most 63 characters (got ${value.length})`;
  if (!LABEL_VALUE.test(value)) return 'a label value holds letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  return undefined;
}

export function isQuantity(s: string): boolean {
  return QUANTITY.test(s);
}

const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity, for request <= limit comparisons. */
export function quantityValue(s: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(e[+-]?\d+|E[+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/.exec(s);
  if (!m) return NaN;
  const suffix = m[2] ?? '';
  if (/^[eE]/.test(suffix)) return Number(m[1] + suffix);
  return Number(m[1]) * SUFFIX[suffix]!;
}

/**
 * Go duration in whole seconds as the autoscaler reads it ("60s", "1m30s", "1h"), to seconds.
 * Knative parses with time.ParseDuration (annotation_validation.go); we accept the subset we emit
 * plus what users commonly write.
 */
export function goDurationSeconds(s: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/**
 * The environment the invoker reads (invoker/config.ts) that fnkit sets from fn.yaml. FN_TIMEOUT
 * equals timeoutSeconds so the invoker's 504 and Knative's request timeout never disagree
 * (issue 5). Other FN_* knobs (FN_DEV, FN_GRACE...) stay the user's to set.
 */
export const INVOKER_ENV = {
  timeout: 'FN_TIMEOUT',
  bodyLimit: 'FN_BODY_LIMIT',
  reservedPrefix: 'FN_RESERVED_PREFIX',
  replyMode: 'FN_CE_REPLY_MODE',
  replyType: 'FN_CE_REPLY_TYPE',
  replySource: 'FN_CE_REPLY_SOURCE',
} as const;

/** A reference that carries a digest: repo[:tag]@sha256:<64 hex> (distribution reference grammar). */
export const DIGEST_REF = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64}$/i;

/** Reserved in the serving container by the webhook (k8s_validation.go reservedEnvVars L54). */
export const RESERVED_ENV = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'] as const;
/** queue-proxy and profiling ports (k8s_validation.go reservedPorts L61). */
export const RESERVED_PORTS = [8012, 8013, 8022, 9090, 9091, 8008] as const;

/** "name/key" from deploy.secrets / deploy.configMaps; validate-deploy.ts checks the parts. */
export function splitRef(ref: string): { name: string; key: string } {
  const i = ref.indexOf('/');
  return i < 0 ? { name: ref, key: '' } : { name: ref.slice(0, i), key: ref.slice(i + 1) };
}

/** fn.yaml accepts cpu: 2 or cpu: "500m"; Kubernetes wants the string form. */
export function normalizeQuantity(q: string | number): string {
  return typeof q === 'number' ? String(q) : q.trim();
}

/** deploy.scale.window as whole seconds: 60, "60s", "2m". undefined when unreadable. */
export function windowSeconds(w: string | number): number | undefined {
  if (typeof w === 'number') return w;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(w);
  if (m) return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2] ?? 's']!;
  return goDurationSeconds(w.trim());
}
