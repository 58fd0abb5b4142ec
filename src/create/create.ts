// `fn create`: a ready function folder copied from src/create/templates/<runtime>-<template>-<lang>/.
// Template files are copied as they are except that `{{name}}` becomes the function name and
// `_gitignore` becomes `.gitignore` (npm drops real .gitignore files from published packages), and
// a `.tmpl` suffix is dropped (it keeps template sources out of fnkit's own typecheck and test run).
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { FnkitError } from '../errors.js';
import { DNS1123_LABEL, DNS1123_RULE } from '../config/fn-yaml.js';

export interface CreateOptions {
  name: string;
  template: string;
  lang: string;
  runtime: string;
  /** Target folder; default `<cwd>/<name>`. */
  dir?: string;
  cwd: string;
  /** Folder holding the template folders. */
  templatesDir: string;
}

export interface CreateResult {
  dir: string;
  /** Relative paths of the files written, sorted. */
  files: string[];
  template: string;
}

/** Null when the name is a valid DNS-1123 label, else why not. */
export function checkName(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.length > 63) return `the name is ${name.length} characters long`;
  if (!DNS1123_LABEL.test(name)) return `"${name}" has characters or a first/last character the rule does not allow`;
  return null;
}

/** The template folder names present, like "node-http-ts". */
export async function listTemplates(templatesDir: string): Promise<string[]> {
  const names = await readdir(templatesDir).catch(() => [] as string[]);
  return names.filter((n) => /^[a-z0-9]+-[a-z0-9]+-[a-z0-9]+$/.test(n)).sort();
}

export async function createFunction(opts: CreateOptions): Promise<CreateResult> {
  const problem = checkName(opts.name);
  if (problem) {
    throw new FnkitError('FN_ERR_BAD_NAME', `invalid function name "${opts.name}": ${problem}`, {
      hint: `a function name becomes a Knative Service name, so it must be a DNS-1123 label: ${DNS1123_RULE} (for example "hello-world")`,
      data: { name: opts.name },
    });
  }
  const template = `${opts.runtime}-${opts.template}-${opts.lang}`;
  const available = await listTemplates(opts.templatesDir);
  if (!available.includes(template)) {
    throw new FnkitError(
      'FN_ERR_UNKNOWN_TEMPLATE',
      `no template for runtime "${opts.runtime}", template "${opts.template}", language "${opts.lang}"`,
      {
        hint: `available combinations (runtime-template-lang): ${available.join(', ') || '(none installed)'}`,
        data: { template, available },
      },
    );
  }
  const dir = resolve(opts.cwd, opts.dir ?? opts.name);
  await ensureEmptyDir(dir);
  const src = join(opts.templatesDir, template);
  const files = await copyTemplate(src, dir, opts.name);
  return { dir, files: files.sort(), template };
}

async function ensureEmptyDir(dir: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) {
    throw new FnkitError('FN_ERR_TARGET_EXISTS', `${dir} exists and is not a folder`, {
      hint: 'choose another name or target folder',
      data: { dir },
    });
  }
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new FnkitError('FN_ERR_TARGET_EXISTS', `${dir} is not empty (${entries.length} entries); fn create never overwrites files`, {
      hint: 'choose another name or an empty target folder, or remove the folder first',
      data: { dir, entries: entries.slice(0, 10) },
    });
  }
}

const TEXT = /\.(ts|js|mjs|cjs|json|ya?ml|md|txt)(\.tmpl)?$|^_gitignore$/;

/** `_gitignore` → `.gitignore`, `index.ts.tmpl` → `index.ts`. */
export function targetName(name: string): string {
  if (name === '_gitignore') return '.gitignore';
  return name.endsWith('.tmpl') ? name.slice(0, -'.tmpl'.length) : name;
}

async function copyTemplate(src: string, dest: string, name: string, root = dest): Promise<string[]> {
  await mkdir(dest, { recursive: true });
  const written: string[] = [];
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dest, targetName(entry.name));
    if (entry.isDirectory()) {
      written.push(...(await copyTemplate(from, to, name, root)));
      continue;
    }
    const bytes = await readFile(from);
    const out = TEXT.test(basename(from)) ? bytes.toString('utf8').replaceAll('{{name}}', name) : bytes;
    await writeFile(to, out, { flag: 'wx' });
    written.push(relative(root, to));
  }
  return written;
}
