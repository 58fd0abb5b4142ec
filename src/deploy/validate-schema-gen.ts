// Generates src/deploy/validate-crd-schemas.ts: the openAPIV3Schema of the Knative Service and
// Trigger CRDs (copies in test/deploy-translation/crds/, from ../shared/schemas/), stripped of
// descriptions, so run-time validation does not need the YAML files. Regenerate with
//   node --import tsx src/deploy/validate-schema-gen.ts
// test/deploy-translation/crd-schemas.test.ts fails when the generated file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
export const CRD_DIR = join(here, '../../test/deploy-translation/crds');
export const GENERATED_FILE = join(here, 'validate-crd-schemas.ts');

/** The openAPIV3Schema of the single served version of a CRD file's text. */
export function crdSchema(yamlText: string): Record<string, unknown> {
  const crd = parse(yamlText) as { spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Record<string, unknown> } }> } };
  const v1 = crd.spec.versions.find((v) => v.name === 'v1');
  if (!v1) throw new Error('CRD has no v1 version');
  return v1.schema.openAPIV3Schema;
}

/** Drops descriptions (prose, 80 % of the bytes) and keeps every validating keyword. */
export function stripDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDescriptions);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' && typeof v === 'string') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, stripDescriptions(pv)])) : stripDescriptions(v);
  }
  return out;
}

export function generateSchemaModule(serviceYaml: string, triggerYaml: string): string {
  const svc = stripDescriptions(crdSchema(serviceYaml));
  const trg = stripDescriptions(crdSchema(triggerYaml));
  return [
    '// generated, do not edit: `node --import tsx src/deploy/validate-schema-gen.ts` from',
    '// test/deploy-translation/crds/{service,trigger}.yaml (Knative Serving v1.23.0, Eventing v1.22.2;',
    '// provenance in ../shared/schemas/README.md). Descriptions are stripped; nothing else changes.',
    '',
    `export const serviceSchema: Record<string, unknown> = ${JSON.stringify(svc)};`,
    '',
    `export const triggerSchema: Record<string, unknown> = ${JSON.stringify(trg)};`,
    '',
  ].join('\n');
}

export function readCrds(): { service: string; trigger: string } {
  return {
    service: readFileSync(join(CRD_DIR, 'service.yaml'), 'utf8'),
    trigger: readFileSync(join(CRD_DIR, 'trigger.yaml'), 'utf8'),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { service, trigger } = readCrds();
  writeFileSync(GENERATED_FILE, generateSchemaModule(service, trigger));
  console.log(`wrote ${GENERATED_FILE}`);
}
