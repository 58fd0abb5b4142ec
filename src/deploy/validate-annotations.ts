// Revision-template annotation rules: autoscaling (pkg/apis/autoscaling/annotation_validation.go
// ValidateAnnotations L54, keys in register.go), networking.knative.dev allow-list
// (knative/networking metadata_validation.go) and serving/queue annotations
// (revision_validation.go L187, L223). Source: schemas/VALIDATION.md "Revision template".
import type { SchemaProblem as Problem } from './validate-crd.js';
import { goDurationSeconds, isQuantity } from './validate-rules.js';

const A = 'autoscaling.knative.dev/';
const NETWORKING_ALLOWED = new Set([
  'ingress.class', 'ingress-class', 'certificate.class', 'certificate-class', 'disableAutoTLS', 'disable-auto-tls',
  'disable-external-domain-tls', 'httpOption', 'http-protocol',
].map((k) => `networking.knative.dev/${k}`));

export interface AnnotationOptions {
  /** config-autoscaler allow-zero-initial-scale (default false). */
  allowZeroInitialScale?: boolean;
}

export function annotationProblems(ann: Record<string, unknown>, opts: AnnotationOptions = {}): Problem[] {
  const p: Problem[] = [];
  const add = (path: string, message: string) => p.push({ path, message });
  const str = (k: string) => (typeof ann[k] === 'string' ? (ann[k] as string) : undefined);
  const cls = str(`${A}class`) ?? 'kpa.autoscaling.knative.dev';
  const kpa = cls === 'kpa.autoscaling.knative.dev';
  if (cls.endsWith('.knative.dev') && !['kpa.autoscaling.knative.dev', 'hpa.autoscaling.knative.dev'].includes(cls)) {
    add(`${A}class`, `must be kpa.autoscaling.knative.dev, hpa.autoscaling.knative.dev or a class not ending in .knative.dev, got "${cls}"`);
  }
  const int = (k: string, min: number): number | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > 2 ** 31 - 1) {
      add(k, `must be a whole number from ${min} to 2147483647, got "${v}"`);
      return undefined;
    }
    return n;
  };
  const float = (k: string, min: number, max: number, extra?: number): void => {
    const v = str(k);
    if (v === undefined) return;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || ((n < min || n > max) && n !== extra)) add(k, `must be a number from ${min} to ${max}${extra !== undefined ? ` or ${extra}` : ''}, got "${v}"`);
  };
  const min = int(`${A}min-scale`, 0) ?? int(`${A}minScale`, 0);
  const max = int(`${A}max-scale`, 0) ?? int(`${A}maxScale`, 0);
  if (min !== undefined && max !== undefined && max !== 0 && max < min) add(`${A}max-scale`, `must be 0 (unlimited) or at least min-scale (${min}), got ${max}`);
  int(`${A}initial-scale`, opts.allowZeroInitialScale ? 0 : 1);
  const act = int(`${A}activation-scale`, 2);
  if (act !== undefined && ((min !== undefined && act < min) || (max !== undefined && max !== 0 && act > max))) {
    add(`${A}activation-scale`, 'must lie between min-scale and max-scale');
  }
  const metric = str(`${A}metric`);
  if (metric !== undefined) {
    if (kpa && !['concurrency', 'rps'].includes(metric)) add(`${A}metric`, `must be concurrency or rps with the KPA class, got "${metric}"`);
    if (cls === 'hpa.autoscaling.knative.dev' && metric === '') add(`${A}metric`, 'must not be empty');
  }
  float(`${A}target`, 0.01, Number.MAX_VALUE);
  float(`${A}target-utilization-percentage`, 1, 100);
  float(`${A}target-burst-capacity`, 0, Number.MAX_VALUE, -1);
  float(`${A}panic-window-percentage`, 1, 100);
  float(`${A}panic-threshold-percentage`, 110, 1000);
  const window = str(`${A}window`);
  if (window !== undefined && kpa) {
    const s = goDurationSeconds(window);
    if (s === undefined || !Number.isInteger(s) || s < 6 || s > 3600) add(`${A}window`, `must be a whole-second duration from 6s to 1h, got "${window}"`);
  }
  for (const k of ['scale-down-delay', 'scale-to-zero-pod-retention-period']) {
    const v = str(`${A}${k}`);
    if (v === undefined) continue;
    const s = goDurationSeconds(v);
    if (s === undefined || s > 3600 || (k === 'scale-down-delay' && !Number.isInteger(s))) add(`${A}${k}`, `must be a duration from 0 to 1h, got "${v}"`);
  }
  const agg = str(`${A}metric-aggregation-algorithm`);
  if (agg !== undefined && kpa && !['linear', 'weighted-exponential', 'weightedExponential'].includes(agg)) {
    add(`${A}metric-aggregation-algorithm`, `must be linear or weighted-exponential, got "${agg}"`);
  }
  for (const [k, v] of Object.entries(ann)) {
    if (k.startsWith('networking.knative.dev') && !NETWORKING_ALLOWED.has(k)) add(k, 'is not an allowed networking.knative.dev annotation on a revision');
    if (/^queue\.sidecar\.serving\.knative\.dev\/(cpu|memory|ephemeral-storage)-resource-(request|limit)$/.test(k) && !(typeof v === 'string' && isQuantity(v))) {
      add(k, `must be a Kubernetes quantity, got ${JSON.stringify(v)}`);
    }
    if (k === 'serving.knative.dev/progress-deadline') {
      const s = typeof v === 'string' ? goDurationSeconds(v) : undefined;
      if (s === undefined || !Number.isInteger(s)) add(k, `must be a whole-second duration, got ${JSON.stringify(v)}`);
    }
  }
  return p;
}
