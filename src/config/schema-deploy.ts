// fn.yaml `deploy:` section (owned by src/deploy; docs/deploy-translation.md). Shape checks
// only; the Knative webhook's semantic rules (min <= max, window range, traffic sums...) are
// checked with field-named messages by src/deploy/validate-deploy.ts.
// Every node carries a `type` so src/deploy/function-crd.ts can reuse this schema as the
// structural openAPIV3Schema of the Function CRD.

// cpu: 0.5 and cpu: "500m" both work; the Function CRD stores them as strings.
const quantity = { type: ['string', 'number'] } as const;
const resourceList = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: quantity, memory: quantity },
} as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const envName = '^[A-Za-z_][A-Za-z0-9_]*$';

export const deploySchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    namespace: { type: 'string' },
    scale: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min: { type: 'integer' },
        max: { type: 'integer' },
        initial: { type: 'integer' },
        target: { type: 'number' },
        metric: { enum: ['concurrency', 'rps', 'cpu', 'memory'], type: 'string' },
        window: { type: ['string', 'integer'] },
        utilization: { type: 'number' },
      },
    },
    concurrency: { type: 'integer' },
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: { requests: resourceList, limits: resourceList },
    },
    envFrom: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { secret: { type: 'string' }, configMap: { type: 'string' } },
      },
    },
    secrets: { ...stringMap, propertyNames: { pattern: envName } },
    configMaps: { ...stringMap, propertyNames: { pattern: envName } },
    visibility: { enum: ['public', 'cluster-local'], type: 'string' },
    traffic: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['percent'],
        properties: {
          revision: { type: 'string' },
          latest: { type: 'boolean' },
          percent: { type: 'integer' },
          tag: { type: 'string' },
        },
      },
    },
    subscriptions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['broker', 'filters'],
        properties: {
          broker: { type: 'string' },
          filters: { type: 'object', additionalProperties: { type: 'string' } },
          path: { type: 'string' },
        },
      },
    },
    serviceAccountName: { type: 'string' },
    imagePullSecrets: { type: 'array', items: { type: 'string' } },
    annotations: stringMap,
    labels: stringMap,
  },
} as const;
