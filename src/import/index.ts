// `fn import`: a serverless.yml or SAM template -> one fnkit function folder per Lambda function.
// Reads and plans first (nothing written on any error), then writes unless dryRun.
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { FnkitError } from '../errors.js';
import { parseCfnYaml } from './cfn-yaml.js';
import { isServerlessDoc, planServerless } from './serverless.js';
import { isSamDoc, planSam } from './sam.js';
import { checkFnYaml, handlerFileNote, occupied, renderFnYaml, writeFunction } from './write.js';
import type { ImportPlan, ImportResult } from './types.js';

export type { ImportResult, ImportPlan, PlannedFunction, NotMapped } from './types.js';

export interface ImportOptions {
  /** A serverless.yml / template.yaml file, or a folder holding one. */
  path: string;
  /** Output folder; default <project folder>/fnkit. */
  out?: string;
  dryRun?: boolean;
  /** Overwrite function folders that already hold files. */
  force?: boolean;
  /** serverless ${opt:stage}; default provider.stage, else dev. */
  stage?: string;
  /** For ${env:...}; the caller reads the environment. */
  env: Record<string, string | undefined>;
  cwd: string;
}

const CANDIDATES = ['serverless.yml', 'serverless.yaml', 'template.yaml', 'template.yml', 'serverless.json', 'template.json'];

export async function findSourceFile(path: string): Promise<string> {
  const st = await stat(path).catch(() => undefined);
  if (!st) {
    throw new FnkitError('FN_ERR_IMPORT_NOT_FOUND', `${path} does not exist`, {
      hint: 'pass a serverless.yml, a SAM template.yaml, or the folder that holds one',
      data: { path },
    });
  }
  if (st.isFile()) return path;
  for (const name of CANDIDATES) if (existsSync(join(path, name))) return join(path, name);
  const code = ['serverless.ts', 'serverless.js', 'serverless.mjs', 'serverless.cjs'].find((n) => existsSync(join(path, n)));
  if (code) {
    throw new FnkitError('FN_ERR_IMPORT_UNSUPPORTED', `${join(path, code)} is a program, not a file fn import can read`, {
      hint: 'print it as YAML first (serverless print > serverless.yml) and import that file',
      data: { path: join(path, code) },
    });
  }
  throw new FnkitError('FN_ERR_IMPORT_NOT_FOUND', `no ${CANDIDATES.slice(0, 4).join(', ')} in ${path}`, {
    hint: 'pass the serverless.yml or SAM template.yaml file itself if it has another name',
    data: { path },
  });
}

export async function planImport(opts: ImportOptions): Promise<ImportPlan> {
  const file = await findSourceFile(resolve(opts.cwd, opts.path));
  const text = await readFile(file, 'utf8');
  let doc: unknown;
  if (file.endsWith('.json')) {
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new FnkitError('FN_ERR_IMPORT_YAML', `${file}: not valid JSON: ${(err as Error).message}`, { data: { file } });
    }
  } else {
    doc = parseCfnYaml(text, file);
  }
  let plan: ImportPlan;
  if (isServerlessDoc(doc)) {
    plan = planServerless(doc, file, { stage: opts.stage, env: opts.env });
  } else if (isSamDoc(doc)) {
    plan = planSam(doc, file, { stackName: basename(dirname(file)) });
  } else {
    const keys = doc && typeof doc === 'object' && !Array.isArray(doc) ? Object.keys(doc).slice(0, 8).join(', ') : typeof doc;
    throw new FnkitError('FN_ERR_IMPORT_UNKNOWN_FORMAT', `${file} is neither a serverless.yml (service + functions) nor a SAM template (Transform: AWS::Serverless-2016-10-31); it has: ${keys || 'nothing'}`, {
      hint: 'fn import reads Serverless Framework (provider: aws) and AWS SAM projects',
      data: { file },
    });
  }
  if (plan.functions.length === 0) {
    throw new FnkitError('FN_ERR_IMPORT_NO_FUNCTIONS', `${file} declares no Lambda functions`, {
      hint: plan.format === 'sam' ? 'SAM functions are Resources of Type AWS::Serverless::Function' : 'serverless.yml lists them under "functions:"',
      data: { file },
    });
  }
  for (const f of plan.functions) {
    if (f.status !== 'imported') continue;
    const note = await handlerFileNote(f);
    if (note) f.notMapped.push(note);
  }
  return plan;
}

export async function importProject(opts: ImportOptions): Promise<ImportResult> {
  const plan = await planImport(opts);
  const out = resolve(opts.cwd, opts.out ?? join(dirname(plan.source), 'fnkit'));
  const sourceName = basename(plan.source);
  const texts = new Map<string, string>();
  for (const f of plan.functions) {
    f.dir = join(out, f.name);
    if (f.status !== 'imported') continue;
    const text = renderFnYaml(f, plan.format, sourceName);
    checkFnYaml(text, join(f.dir, 'fn.yaml'));
    texts.set(f.name, text);
  }
  const result: ImportResult = { ...plan, out, dryRun: !!opts.dryRun };
  if (opts.dryRun) return result;
  const targets = plan.functions.filter((f) => f.status === 'imported').map((f) => f.dir!);
  const busy = opts.force ? [] : await occupied(targets);
  if (busy.length) {
    throw new FnkitError('FN_ERR_IMPORT_TARGET_EXISTS', `${busy.map((d) => relative(opts.cwd, d) || d).join(', ')} already hold files; fn import does not overwrite them`, {
      hint: 'choose another output folder, remove those folders, or pass force to overwrite',
      data: { dirs: busy },
    });
  }
  for (const f of plan.functions) {
    if (f.status === 'imported') await writeFunction(f, texts.get(f.name)!, out);
  }
  return result;
}
