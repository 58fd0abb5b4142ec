// Structural-schema validation of generated objects against the Knative CRDs' openAPIV3Schema,
// with ajv. Kubernetes extensions become JSON Schema: int-or-string -> anyOf; and, where
// the API server would silently PRUNE an unknown field, we reject it instead (an unknown field
// in our output is a translation bug that must not vanish quietly). Metadata is `type: object`
// in every CRD; its rules (names, label syntax) are checked in validate-service.ts.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export interface SchemaProblem {
  path: string;
  message: string;
}

/** Turns a CRD openAPIV3Schema node into an ajv schema; `strict` rejects fields the API server would prune. */
export function toAjvSchema(node: unknown, strict = true): unknown {
  if (Array.isArray(node)) return node.map((n) => toAjvSchema(n, strict));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-kubernetes-') || k === 'description') continue;
    if (k === 'properties') {
      out.properties = Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, toAjvSchema(pv, strict)]));
    } else if (k === 'items' || k === 'additionalProperties') {
      out[k] = typeof v === 'object' ? toAjvSchema(v, strict) : v;
    } else out[k] = v;
  }
  if (src['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (strict && src.type === 'object' && src.properties && src['x-kubernetes-preserve-unknown-fields'] !== true && src.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

/** An ajv instance that knows Kubernetes' integer formats and ignores the others. */
export function kubeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  for (const f of ['byte', 'date-time', 'date', 'uri', 'password', 'double', 'float', 'quantity']) ajv.addFormat(f, true);
  return ajv;
}

export function compileCrdSchema(openApi: Record<string, unknown>, strict = true): ValidateFunction {
  // apiVersion, kind and metadata are always accepted at the root, listed in the CRD or not.
  const root = toAjvSchema(openApi, strict) as Record<string, unknown>;
  root.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...(root.properties as object) };
  return kubeAjv().compile(root);
}

export function schemaProblems(validate: ValidateFunction, value: unknown): SchemaProblem[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(e: ErrorObject): SchemaProblem {
  const path = e.instancePath.replace(/^\//, '').split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    return { path: path ? `${path}.${String(p.additionalProperty)}` : String(p.additionalProperty), message: 'is not a field of this Knative type (the API server would drop it)' };
  }
  if (e.keyword === 'anyOf') return { path, message: 'must be an integer or a string' };
  return { path: path || '(root)', message: e.message ?? e.keyword };
}
