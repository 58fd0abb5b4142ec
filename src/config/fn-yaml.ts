// Reads and validates fn.yaml, the one function config file, into a FunctionSpec. Every error
// names the file, the field (as a dotted path) and what is allowed there.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { Ajv, type ErrorObject } from 'ajv';
import { FnkitError } from '../errors.js';
import type { FunctionSpec } from './types.js';
import { lambdaSchema } from './schema-lambda.js';
import { buildSchema } from './schema-build.js';
import { deploySchema } from './schema-deploy.js';
import { parseBytes, parseDuration } from './units.js';

export const FN_YAML = 'fn.yaml';

/** DNS-1123 label: Knative Service names must be one. */
export const DNS1123_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_RULE =
  'lower-case letters, digits and "-", starting with a letter, ending with a letter or digit, at most 63 characters';

export const fnYamlSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL.source },
    runtime: { enum: ['node', 'lambda'], default: 'node' },
    handler: { type: 'string', minLength: 1 },
    timeout: { type: ['string', 'number'], default: 300 },
    env: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
    invoker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        bodyLimit: { type: ['string', 'number'], default: '6mb' },
        reservedPrefix: { type: 'string', pattern: '^(/[A-Za-z0-9._~-]+)*$', default: '' },
        cloudevents: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            replyMode: { enum: ['request', 'binary', 'structured'], default: 'request' },
            replyType: { type: 'string', minLength: 1 },
            replySource: { type: 'string', minLength: 1 },
          },
        },
      },
    },
    lambda: lambdaSchema,
    build: buildSchema,
    deploy: deploySchema,
  },
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;
function getValidator() {
  validator ??= new Ajv({ allErrors: true, useDefaults: true, strict: false }).compile(fnYamlSchema);
  return validator;
}

/** Reads <dir>/fn.yaml. */
export async function loadFunction(dir: string): Promise<FunctionSpec> {
  const abs = resolve(dir);
  const file = join(abs, FN_YAML);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FnkitError('FN_ERR_NO_FN_YAML', `no ${FN_YAML} in ${abs}`, {
        hint: 'run the command inside a function folder, or create one with `fn create <name>`',
        data: { dir: abs },
      });
    }
    throw err;
  }
  return parseFunction(text, file);
}

/** Parses and validates fn.yaml text; `file` is its absolute path (used in messages and for dir). */
export function parseFunction(text: string, file: string): FunctionSpec {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new FnkitError('FN_ERR_FN_YAML_SYNTAX', `${file}: YAML syntax error: ${e.message.split('\n')[0]}`, {
      data: { file },
      hint: 'fix the YAML syntax at the line shown',
    });
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new FnkitError('FN_ERR_FN_YAML_INVALID', `${file}: expected a mapping of fields (name, runtime, handler...)`, {
      data: { file },
    });
  }
  const validate = getValidator();
  if (!validate(raw)) {
    const messages = (validate.errors ?? []).map((e) => describeSchemaError(e));
    throw new FnkitError('FN_ERR_FN_YAML_INVALID', `${file}: ${messages.join('; ')}`, {
      data: { file, errors: messages },
    });
  }
  const r = raw as Record<string, any>;
  const dir = resolve(file, '..');
  const runtime = r.runtime as FunctionSpec['runtime'];
  const timeout = fieldValue(file, 'timeout', () => parseDuration(r.timeout));
  if (timeout <= 0 || timeout > 3600) {
    throw new FnkitError('FN_ERR_FN_YAML_INVALID', `${file}: field "timeout" must be between 1s and 3600s, got ${r.timeout}`, {
      data: { file, field: 'timeout' },
    });
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.env as Record<string, unknown>)) env[k] = String(v);
  const ce = r.invoker.cloudevents;
  return {
    name: r.name,
    runtime,
    handler: r.handler ?? (runtime === 'lambda' ? 'index.handler' : 'index.ts'),
    timeout,
    env,
    invoker: {
      bodyLimit: fieldValue(file, 'invoker.bodyLimit', () => parseBytes(r.invoker.bodyLimit)),
      reservedPrefix: r.invoker.reservedPrefix,
      cloudevents: {
        replyMode: ce.replyMode,
        replyType: ce.replyType ?? `${r.name}.reply`,
        replySource: ce.replySource ?? `/fn/${r.name}`,
      },
    },
    lambda: r.lambda,
    build: r.build ?? {},
    deploy: r.deploy ?? {},
    dir,
    file,
  };
}

function fieldValue<T>(file: string, field: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new FnkitError('FN_ERR_FN_YAML_INVALID', `${file}: field "${field}": ${(err as Error).message}`, {
      data: { file, field },
    });
  }
}

/** Turns an ajv error into "field "a.b": must be ... (got ...)". */
export function describeSchemaError(e: ErrorObject): string {
  const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown field "${path ? path + '.' : ''}${p.additionalProperty}"`;
    case 'required':
      return `missing required field "${path ? path + '.' : ''}${p.missingProperty}"`;
    case 'enum':
      return `field "${path}" must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      if (path === 'name') return `field "name" must be a DNS-1123 label (${DNS1123_RULE})`;
      return `field "${path}" must match ${p.pattern}`;
    case 'propertyNames':
      return `field "${path}" has an invalid key (${e.message})`;
    default:
      return `field "${path || '(root)'}" ${e.message}`;
  }
}
