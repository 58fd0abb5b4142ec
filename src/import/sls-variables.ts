// Serverless Framework variables (`${self:custom.x}`, `${opt:stage, 'dev'}`, `${env:NAME}`,
// `${sls:stage}`, `${file(./x.yml):key}`, `${aws:region}`), resolved where the value is knowable
// without AWS. Innermost first, so `${self:custom.table.${opt:stage}}` works; a fallback after
// the first top-level comma is used when the source has no value, as the framework does.
// What needs AWS (ssm:, cf:, s3:, aws:accountId, param:) stays unresolved and is reported.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface VariableContext {
  stage: string;
  region: string;
  /** Environment for ${env:...}, passed in (never read here). */
  env: Record<string, string | undefined>;
  /** Folder of serverless.yml, for ${file(...)}. */
  baseDir: string;
}

export interface Unresolved {
  /** Dotted path of the value in serverless.yml. */
  path: string;
  expr: string;
}

const INNER = /\$\{([^${}]*)\}/;
const MISSING = Symbol('missing');
/** Variable sources of the framework: a fallback naming one of these is never a literal. */
const KNOWN = new Set(['self', 'opt', 'sls', 'aws', 'env', 'file', 'ssm', 'cf', 's3', 'param', 'strToBool', 'sm']);
type Found = unknown | typeof MISSING;

/** Resolves every string in the document; unresolvable leaves are removed and reported. */
export function resolveVariables(doc: Record<string, unknown>, ctx: VariableContext): { doc: Record<string, unknown>; unresolved: Unresolved[] } {
  const unresolved: Unresolved[] = [];
  const memo = new Map<string, unknown>();
  const active = new Set<string>();

  function self(path: string): Found {
    if (memo.has(path)) return memo.get(path);
    if (active.has(path)) return MISSING; // a cycle
    active.add(path);
    let cur: unknown = doc;
    for (const part of path ? path.split('.') : []) {
      if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) {
        active.delete(path);
        return MISSING;
      }
      cur = (cur as Record<string, unknown>)[part];
    }
    const out = walk(cur, `self:${path}`, []);
    active.delete(path);
    memo.set(path, out);
    return out === undefined ? MISSING : out;
  }

  function source(expr: string): Found {
    const e = expr.trim();
    if (/^'.*'$|^".*"$/.test(e)) return e.slice(1, -1);
    if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
    if (e === 'true' || e === 'false') return e === 'true';
    const m = /^([a-zA-Z]+)(\((.*)\))?:(.*)$/.exec(e);
    if (!m) return MISSING;
    const [, kind, , arg, rest] = m as unknown as [string, string, string | undefined, string | undefined, string];
    switch (kind) {
      case 'self':
        return self(rest);
      case 'opt':
        if (rest === 'stage') return ctx.stage;
        if (rest === 'region') return ctx.region;
        return MISSING;
      case 'sls':
        return rest === 'stage' ? ctx.stage : MISSING;
      case 'aws':
        return rest === 'region' ? ctx.region : MISSING;
      case 'env':
        return ctx.env[rest] ?? MISSING;
      case 'file':
        return fromFile(arg ?? '', rest);
      default:
        return MISSING;
    }
  }

  function fromFile(arg: string, path: string): Found {
    const file = resolvePath(ctx.baseDir, arg.trim().replace(/^['"]|['"]$/g, ''));
    let data: unknown;
    try {
      data = parseYaml(readFileSync(file, 'utf8'));
    } catch {
      return MISSING;
    }
    for (const part of path ? path.split('.') : []) {
      if (data === null || typeof data !== 'object' || !(part in (data as object))) return MISSING;
      data = (data as Record<string, unknown>)[part];
    }
    return data;
  }

  /** `src, fallback` split on the first comma outside quotes. */
  function evaluate(inner: string): Found {
    let q: string | undefined;
    for (let i = 0; i < inner.length; i++) {
      const c = inner[i]!;
      if (q) {
        if (c === q) q = undefined;
      } else if (c === "'" || c === '"') q = c;
      else if (c === ',') {
        const first = source(inner.slice(0, i));
        return first !== MISSING ? first : fallback(inner.slice(i + 1));
      }
    }
    return source(inner);
  }

  /**
   * A fallback that is not a variable source is a literal: after innermost-first resolution,
   * `${env:X, ${self:a}}` has become `${env:X, value-of-a}`.
   */
  function fallback(text: string): Found {
    const v = evaluate(text);
    if (v !== MISSING) return v;
    const t = text.trim();
    const kind = /^([a-zA-Z]+)(\(.*\))?:/.exec(t)?.[1];
    return t && !(kind && KNOWN.has(kind)) ? t : MISSING;
  }

  function str(value: string, path: string): unknown {
    let s = value;
    for (let guard = 0; guard < 100; guard++) {
      const m = INNER.exec(s);
      if (!m) return s;
      const v = evaluate(m[1]!);
      if (v === MISSING) {
        unresolved.push({ path, expr: m[0] });
        return undefined;
      }
      // A variable that is the whole string keeps its type (an object, a number).
      if (m[0] === s && (typeof v !== 'string' || !INNER.test(v))) return v;
      s = s.slice(0, m.index) + (typeof v === 'string' ? v : JSON.stringify(v)) + s.slice(m.index + m[0].length);
    }
    unresolved.push({ path, expr: value });
    return undefined;
  }

  function walk(v: unknown, path: string, stack: unknown[]): unknown {
    if (typeof v === 'string') return str(v, path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, stack)).filter((x) => x !== undefined);
    if (v && typeof v === 'object') {
      if (stack.includes(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const r = walk(x, path ? `${path}.${k}` : k, [...stack, v]);
        if (r !== undefined) out[k] = r;
      }
      return out;
    }
    return v;
  }

  const out = walk(doc, '', []) as Record<string, unknown>;
  // self: references are recorded under "self:<path>" while resolving; keep only real paths.
  const seen = new Set<string>();
  const list = unresolved
    .map((u) => ({ path: u.path.replace(/^self:/, ''), expr: u.expr }))
    .filter((u) => {
      const k = `${u.path} ${u.expr}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  return { doc: out, unresolved: list };
}
