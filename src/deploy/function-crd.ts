// The Function custom resource (fnkit.dev/v1alpha1): spec = the fn.yaml content plus the
// digest-pinned image, so GitOps tools can hold a function and the controller (src/controller)
// renders it with the same translation as `fn deploy` (issue 5, "The thin controller").
import { stringify } from 'yaml';
import type { FunctionSpec } from '../config/types.js';
import { parseFunction } from '../config/fn-yaml.js';
import { deploySchema } from '../config/schema-deploy.js';
import { FnkitError } from '../errors.js';
import { assertDigestPinned, functionLabels } from './manifest.js';
import type { FunctionResource } from './types.js';
import { validateDeploySection } from './validate-deploy.js';
import { normalizeQuantity } from './validate-rules.js';

export const FUNCTION_GROUP = 'fnkit.dev';
export const FUNCTION_VERSION = 'v1alpha1';
export const FUNCTION_KIND = 'Function';
export const FUNCTION_PLURAL = 'functions';
export const FUNCTION_API_VERSION = `${FUNCTION_GROUP}/${FUNCTION_VERSION}`;
export const FUNCTION_CRD_NAME = `${FUNCTION_PLURAL}.${FUNCTION_GROUP}`;

export function toFunctionResource(spec: FunctionSpec, image: string, opts: { namespace?: string } = {}): FunctionResource {
  assertDigestPinned(image);
  const namespace = opts.namespace ?? spec.deploy.namespace;
  // deploy.namespace is where the resource lives; keeping it in spec too would let them disagree.
  const { namespace: _ns, ...deploy } = spec.deploy;
  // Quantities as strings: the CRD types them int-or-string, and 0.5 is neither.
  if (deploy.resources) {
    deploy.resources = Object.fromEntries(Object.entries(deploy.resources).map(([kind, list]) => [
      kind, Object.fromEntries(Object.entries(list ?? {}).map(([res, q]) => [res, normalizeQuantity(q as string | number)])),
    ]));
  }
  return {
    apiVersion: FUNCTION_API_VERSION,
    kind: FUNCTION_KIND,
    metadata: {
      name: spec.name,
      ...(namespace ? { namespace } : {}),
      labels: functionLabels(spec),
    },
    spec: {
      image,
      runtime: spec.runtime,
      handler: spec.handler,
      timeout: spec.timeout,
      env: { ...spec.env },
      invoker: {
        bodyLimit: spec.invoker.bodyLimit,
        reservedPrefix: spec.invoker.reservedPrefix,
        cloudevents: { ...spec.invoker.cloudevents },
      },
      ...(spec.lambda !== undefined ? { lambda: { ...spec.lambda } } : {}),
      ...(spec.build !== undefined && Object.keys(spec.build).length > 0 ? { build: { ...spec.build } } : {}),
      deploy,
    },
  };
}

/**
 * The FunctionSpec and image a Function resource stands for, validated as fn.yaml is (same
 * schema, same defaults, same field-named errors, prefixed by "Function <ns>/<name>").
 */
export function specFromFunctionResource(fr: FunctionResource): { spec: FunctionSpec; image: string } {
  const ns = fr.metadata?.namespace;
  const label = `Function ${ns ? `${ns}/` : ''}${fr.metadata?.name}`;
  const s = (fr.spec ?? {}) as unknown as Record<string, unknown>;
  const { image, ...content } = s;
  if (typeof image !== 'string') {
    throw new FnkitError('FN_ERR_FUNCTION_INVALID', `${label}: spec.image is required (a repo@sha256:... reference)`, { data: { name: fr.metadata?.name, namespace: ns } });
  }
  assertDigestPinned(image);
  const text = stringify({ name: fr.metadata?.name, ...content });
  const parsed = parseFunction(text, label);
  const spec: FunctionSpec = {
    ...parsed,
    deploy: { ...parsed.deploy, ...(ns ? { namespace: ns } : {}) },
    dir: '',
    file: '',
  };
  validateDeploySection({ ...spec, file: label });
  return { spec, image };
}

/** Kubernetes structural schema from our ajv fn.yaml fragment: no additionalProperties:false (pruning does that), int-or-string unions. */
export function toStructural(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toStructural);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    if (k === 'default' || k === 'propertyNames') continue;
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'type' && Array.isArray(v)) {
      out['x-kubernetes-int-or-string'] = true;
      continue;
    }
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, toStructural(pv)]));
    else out[k] = typeof v === 'object' ? toStructural(v) : v;
  }
  return out;
}

const str = { type: 'string' } as const;
const openObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } as const;

/** The openAPIV3Schema of the Function CRD (structural; lambda/build stay open: their owners evolve them). */
export function functionOpenApiSchema(): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      apiVersion: str,
      kind: str,
      metadata: { type: 'object' },
      spec: {
        type: 'object',
        required: ['image', 'runtime', 'handler', 'timeout'],
        properties: {
          image: { type: 'string', pattern: '^[^@\\s]+@sha256:[a-f0-9]{64}$' },
          runtime: { type: 'string', enum: ['node', 'lambda'] },
          handler: { type: 'string', minLength: 1 },
          timeout: { type: 'number', minimum: 0.001, maximum: 3600 },
          env: { type: 'object', additionalProperties: str },
          invoker: {
            type: 'object',
            properties: {
              bodyLimit: { type: 'integer', format: 'int64', minimum: 1 },
              reservedPrefix: str,
              cloudevents: {
                type: 'object',
                properties: { replyMode: { type: 'string', enum: ['request', 'binary', 'structured'] }, replyType: str, replySource: str },
              },
            },
          },
          lambda: openObject,
          build: openObject,
          deploy: toStructural(deploySchema),
        },
      },
      status: {
        type: 'object',
        properties: {
          observedGeneration: { type: 'integer', format: 'int64' },
          url: str,
          image: str,
          latestReadyRevisionName: str,
          conditions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'status'],
              properties: {
                type: str,
                status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
                reason: str,
                message: str,
                lastTransitionTime: { type: 'string', format: 'date-time' },
                observedGeneration: { type: 'integer', format: 'int64' },
              },
            },
          },
        },
      },
    },
  };
}

export function functionCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: FUNCTION_CRD_NAME, labels: { 'app.kubernetes.io/name': 'fnkit', 'app.kubernetes.io/component': 'crd' } },
    spec: {
      group: FUNCTION_GROUP,
      scope: 'Namespaced',
      names: { kind: FUNCTION_KIND, listKind: 'FunctionList', plural: FUNCTION_PLURAL, singular: 'function', shortNames: ['fn'], categories: ['all', 'fnkit'] },
      versions: [
        {
          name: FUNCTION_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
            { name: 'URL', type: 'string', jsonPath: '.status.url' },
            { name: 'Image', type: 'string', jsonPath: '.spec.image', priority: 1 },
            { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason' },
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: functionOpenApiSchema() },
        },
      ],
    },
  };
}
