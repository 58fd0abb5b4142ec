// Handler strings as the Node RIC reads them (specs/lambda.md §3.1, RIC 3.x src/UserFunction.js):
// "[dir/…/]<module>.<export>[.<nested>…]". The basename's first dot splits the module from a
// property path; the directory part is relative to the task root. Pure: used by the worker and
// by config validation, so a bad name fails before any worker starts.

export interface HandlerName {
  /** Directory part, relative to the task root ('' or 'src/fns/'). */
  moduleRoot: string;
  /** Module file name without extension ('index', 'app.v2' is impossible: the first dot splits). */
  module: string;
  /** Property path inside the module ('handler', 'handlers.get'). */
  exportPath: string[];
}

/** The error the RIC raises for a malformed name; errorType is AWS's. */
export class MalformedHandlerName extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Runtime.MalformedHandlerName';
  }
}

/** Parses a handler string or throws MalformedHandlerName with AWS's message. */
export function parseHandlerName(full: string): HandlerName {
  // RIC: any ".." anywhere is refused, before anything else.
  if (full.includes('..')) {
    throw new MalformedHandlerName(
      `'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const slash = full.lastIndexOf('/');
  const base = full.slice(slash + 1);
  const moduleRoot = full.slice(0, slash + 1);
  const m = /^([^.]*)\.(.*)$/.exec(base);
  if (!m) throw new MalformedHandlerName('Bad handler');
  return { moduleRoot, module: m[1]!, exportPath: m[2]!.split('.') };
}

/** Follows a property path the way the RIC does (`nested && nested[key]`). */
export function resolveExport(root: unknown, path: string[]): unknown {
  return path.reduce<any>((nested, key) => nested && nested[key], root);
}
