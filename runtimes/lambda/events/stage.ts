// The API Gateway stage prefix: with `stage: prod` the URL is /prod/..., the route is matched
// on the rest. Pure.
import type { RouteMatch, RouteTemplate } from '../routes.js';
import { matchRoute } from '../routes.js';

export interface RoutedPath {
  /** Path without the stage prefix (REST `path`), still percent-encoded. */
  path: string;
  /** Path as requested, with the stage prefix. */
  fullPath: string;
  /** The matched template, or undefined when no routes are configured (catch-all). */
  match?: RouteMatch;
}

/** undefined when the stage prefix is missing or no configured route matches. */
export function routePath(rawPath: string, method: string, stage: string | undefined, routes: RouteTemplate[]): RoutedPath | undefined {
  let path = rawPath || '/';
  if (stage) {
    const prefix = `/${stage}`;
    if (path === prefix) path = '/';
    else if (path.startsWith(prefix + '/')) path = path.slice(prefix.length);
    else return undefined;
  }
  if (routes.length === 0) return { path, fullPath: rawPath || '/' };
  const match = matchRoute(routes, method, path);
  return match ? { path, fullPath: rawPath || '/', match } : undefined;
}
