// Writes one imported function: its fn.yaml (checked by the real fn.yaml parser before anything
// is written) and a byte-for-byte copy of the code folder as its task root. The handler code is
// never edited (issue 3).
import { cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { FnkitError } from '../errors.js';
import { parseFunction, FN_YAML } from '../config/fn-yaml.js';
import type { NotMapped, PlannedFunction, SourceFormat } from './types.js';

/** Never copied into a task root: VCS, deploy tool caches, and the import's own output. */
const SKIP = new Set(['.git', '.serverless', '.aws-sam', '.fn', '.build', '.esbuild', '.webpack']);

export function renderFnYaml(f: PlannedFunction, format: SourceFormat, sourceName: string): string {
  const lambda: Record<string, unknown> = { awsRuntime: f.awsRuntime, frontDoor: f.frontDoor };
  if (f.routes.length) lambda.routes = f.routes;
  if (f.binaryMediaTypes.length && f.frontDoor === 'rest-api') lambda.binaryMediaTypes = f.binaryMediaTypes;
  if (f.multiValueHeaders) lambda.multiValueHeaders = true;
  lambda.memorySize = f.memorySize;
  if (f.region) lambda.region = f.region;
  const doc: Record<string, unknown> = { name: f.name, runtime: 'lambda', handler: f.handler, timeout: f.timeout };
  if (Object.keys(f.env).length) doc.env = f.env;
  doc.lambda = lambda;
  const head = [
    `# Imported by \`fn import\` from ${sourceName} (${format === 'sam' ? 'SAM resource' : 'serverless function'} "${f.source}").`,
    '# The code in this folder is an unchanged copy of the project; only this file is new.',
  ];
  if (f.notMapped.length) {
    head.push('#', '# Not mapped (fnkit has no equivalent; see `fn import -o json` for the full list):');
    for (const n of f.notMapped) head.push(`#   - ${oneLine(n)}`);
  }
  return `${head.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}

function oneLine(n: NotMapped): string {
  return `${n.key}${n.value ? ` (${n.value.replace(/\s+/g, ' ')})` : ''}: ${n.reason}`.replace(/\n/g, ' ');
}

/** Checks the generated fn.yaml with the same parser `fn run` uses; a failure is an importer bug. */
export function checkFnYaml(text: string, file: string): void {
  try {
    parseFunction(text, file);
  } catch (err) {
    throw new FnkitError('FN_ERR_IMPORT_BAD_OUTPUT', `fn import produced an invalid ${FN_YAML} for ${file}: ${(err as Error).message}`, {
      hint: 'this is a bug in fn import; please report it with the source file',
      cause: err,
      data: { file },
    });
  }
}

/** Folders that already hold files and would be overwritten. */
export async function occupied(dirs: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    const entries = await readdir(d).catch(() => [] as string[]);
    if (entries.length) out.push(d);
  }
  return out;
}

export async function writeFunction(f: PlannedFunction, text: string, outRoot: string): Promise<void> {
  const dir = f.dir!;
  await mkdir(dir, { recursive: true });
  await copyTree(resolve(f.codeDir), dir, resolve(outRoot));
  // A project's own fn.yaml (unlikely) would be replaced: keep it next to ours.
  const target = join(dir, FN_YAML);
  if (existsSync(target) && existsSync(join(f.codeDir, FN_YAML))) await cp(target, join(dir, 'fn.yaml.orig'));
  await writeFile(target, text);
}

/**
 * Copies src into dest, leaving out SKIP names and the output folder. fs.cp refuses to copy a
 * folder into its own subfolder even when a filter would skip it, so folders on the way to the
 * output folder are walked by hand.
 */
async function copyTree(src: string, dest: string, out: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    if (SKIP.has(entry.name) || from === out) continue;
    const to = join(dest, entry.name);
    if (entry.isDirectory() && out.startsWith(from + sep)) await copyTree(from, to, out);
    else await cp(from, to, { recursive: true, force: true, verbatimSymlinks: true, filter: (p) => !SKIP.has(basename(p)) });
  }
}

/** Where the handler's module should be, for the "is it there?" check (lambda.md §3.1 resolution). */
export async function handlerFileNote(f: PlannedFunction): Promise<NotMapped | undefined> {
  if (!f.handler) return undefined;
  if (f.awsRuntime?.startsWith('provided')) {
    const st = await stat(join(f.codeDir, 'bootstrap')).catch(() => undefined);
    return st?.isFile()
      ? undefined
      : { key: 'bootstrap', reason: `no "bootstrap" executable in ${f.codeDir}: build it (sam build / make) before fn run; a provided.* function starts that file` };
  }
  const base = basename(f.handler);
  const dot = base.indexOf('.');
  if (dot <= 0) return { key: 'handler', value: f.handler, reason: 'not "file.export": AWS would fail with Runtime.MalformedHandlerName' };
  const modulePath = join(f.codeDir, dirname(f.handler), base.slice(0, dot));
  for (const ext of ['', '.js', '.mjs', '.cjs']) {
    const st = await stat(modulePath + ext).catch(() => undefined);
    if (st?.isFile()) return undefined;
  }
  for (const ext of ['.ts', '.mts', '.cts']) {
    if (existsSync(modulePath + ext)) {
      return { key: 'handler', value: f.handler, reason: `${relative(f.codeDir, modulePath + ext)} is TypeScript, compiled by a plugin or sam build on AWS: compile it to .js (tsc/esbuild) in the function folder before fn run` };
    }
  }
  return { key: 'handler', value: f.handler, reason: `no module ${relative(f.codeDir, modulePath)}(.js|.mjs|.cjs) in the code folder: AWS would fail with Runtime.ImportModuleError` };
}
