// API Gateway route templates ("GET /pets/{petId}", "ANY /files/{proxy+}") and how a request
// path picks one (specs/lambda.md §3.6 resource/pathParameters, §3.7 routeKey). Pure.
//
// Precedence follows API Gateway: a literal segment beats a {param}, which beats a greedy
// {proxy+}; at equal paths an exact method beats ANY. Values are URL-decoded (AWS decodes
// pathParameters since 2019: %40 -> @); a greedy value is the rest of the path without the
// leading slash.

export type Segment = { kind: 'literal'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

export interface RouteTemplate {
  method: string;
  /** The template path as written: "/pets/{petId}". */
  path: string;
  /** "GET /pets/{petId}" (HTTP API routeKey). */
  key: string;
  segments: Segment[];
}

export interface RouteMatch {
  route: RouteTemplate;
  params: Record<string, string>;
}

const METHODS = new Set(['ANY', 'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Parses one template; throws an Error saying what is wrong and what is allowed. */
export function parseRoute(text: string): RouteTemplate {
  const m = /^([A-Z]+) (\/\S*)$/.exec(text);
  if (!m || !METHODS.has(m[1]!)) {
    throw new Error(`route "${text}" must be "METHOD /path", METHOD one of ${[...METHODS].join(', ')}`);
  }
  const method = m[1]!;
  const path = m[2]!;
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const seen = new Set<string>();
  const segments = parts.map((part, i): Segment => {
    if (part === '') throw new Error(`route "${text}" has an empty path segment`);
    const p = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(part);
    if (!p) {
      if (/[{}]/.test(part)) throw new Error(`route "${text}": segment "${part}" must be a literal or a whole {name} / {name+}`);
      return { kind: 'literal', value: part };
    }
    const name = p[1]!;
    if (seen.has(name)) throw new Error(`route "${text}" uses the parameter {${name}} twice`);
    seen.add(name);
    if (p[2]) {
      if (i !== parts.length - 1) throw new Error(`route "${text}": the greedy {${name}+} must be the last segment`);
      return { kind: 'greedy', name };
    }
    return { kind: 'param', name };
  });
  return { method, path, key: `${method} ${path}`, segments };
}

/** Parses a list and refuses duplicates (same method and same path shape). */
export function parseRoutes(texts: readonly string[]): RouteTemplate[] {
  const routes = texts.map(parseRoute);
  const shapes = new Map<string, string>();
  for (const r of routes) {
    const shape = `${r.method} /${r.segments.map((s) => (s.kind === 'literal' ? s.value : s.kind === 'param' ? '{}' : '{+}')).join('/')}`;
    const prior = shapes.get(shape);
    if (prior) throw new Error(`routes "${prior}" and "${r.key}" match the same requests`);
    shapes.set(shape, r.key);
  }
  return routes;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Matches a raw (percent-encoded) path; undefined when no template fits. */
export function matchRoute(routes: readonly RouteTemplate[], method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath === '/' || rawPath === '' ? [] : rawPath.replace(/^\//, '').split('/');
  let best: { match: RouteMatch; score: number[] } | undefined;
  for (const route of routes) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = matchSegments(route.segments, parts);
    if (!params) continue;
    const score = [...route.segments.map((s) => (s.kind === 'literal' ? 3 : s.kind === 'param' ? 2 : 1)), route.method === 'ANY' ? 0 : 1];
    if (!best || compareScores(score, best.score) > 0) best = { match: { route, params }, score };
  }
  return best?.match;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind === 'greedy') {
      const rest = parts.slice(i);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      params[seg.name] = decode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (seg.kind === 'literal') {
      if (decode(part) !== seg.value) return undefined;
    } else {
      if (part === '') return undefined;
      params[seg.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
