// Validation of everything fnkit sends to a cluster, before it is sent:
//  - the CRD openAPIV3Schema (structural shape), from a generated copy of the real Knative CRDs
//    (validate-crd-schemas.ts, kept in sync by a test), and
//  - the admission-webhook rules the schema cannot express (validate-service.ts,
//    validate-trigger.ts, validate-annotations.ts; schemas/VALIDATION.md).
// Every error names the field path and the rule.
import type { ValidateFunction } from 'ajv';
import { FnkitError } from '../errors.js';
import { compileCrdSchema, schemaProblems, type SchemaProblem } from './validate-crd.js';
import { serviceSchema, triggerSchema } from './validate-crd-schemas.js';
import { serviceRuleProblems, type ServiceRuleOptions } from './validate-service.js';
import { triggerRuleProblems } from './validate-trigger.js';

export { validateDeploySection, deployProblems } from './validate-deploy.js';
export type { SchemaProblem } from './validate-crd.js';

/** Compiled schema validators; create one per process (or per test) and pass it down. */
export interface Validators {
  service: ValidateFunction;
  trigger: ValidateFunction;
}

export function createValidators(): Validators {
  return { service: compileCrdSchema(serviceSchema), trigger: compileCrdSchema(triggerSchema) };
}

// Compiling costs 0.1-0.4 s, so the plain functions below share one lazily made set: it holds
// only constant data derived from the CRDs, never configuration.
let shared: Validators | undefined;
function validators(): Validators {
  shared ??= createValidators();
  return shared;
}

export function serviceProblems(svc: unknown, opts: ServiceRuleOptions = {}, v: Validators = validators()): SchemaProblem[] {
  return [...schemaProblems(v.service, svc), ...serviceRuleProblems(svc, opts)];
}

export function triggerProblems(t: unknown, v: Validators = validators()): SchemaProblem[] {
  return [...schemaProblems(v.trigger, t), ...triggerRuleProblems(t)];
}

/** Throws FN_ERR_INVALID_SERVICE naming every offending field path and its rule. */
export function validateService(svc: unknown, opts: ServiceRuleOptions = {}): void {
  const problems = serviceProblems(svc, opts);
  if (problems.length > 0) throw invalid('FN_ERR_INVALID_SERVICE', 'Knative Service', svc, problems);
}

/** Throws FN_ERR_INVALID_TRIGGER naming every offending field path and its rule. */
export function validateTrigger(t: unknown): void {
  const problems = triggerProblems(t);
  if (problems.length > 0) throw invalid('FN_ERR_INVALID_TRIGGER', 'Knative Trigger', t, problems);
}

function invalid(code: string, what: string, obj: unknown, problems: SchemaProblem[]): FnkitError {
  const name = (obj as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  const text = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new FnkitError(code, `${what}${typeof name === 'string' ? ` "${name}"` : ''} would be rejected by the cluster: ${text}`, {
    hint: 'this is what fnkit generated from fn.yaml; fix the fn.yaml field behind the path, or report a bug if fn.yaml is valid',
    data: { problems },
  });
}
