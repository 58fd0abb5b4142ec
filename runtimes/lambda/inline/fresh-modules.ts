// A fresh module graph for the function after a reset on the server's own thread (isolation:
// inline), as AWS re-initialises a new runtime after a timeout or crash: CommonJS files under the
// task root leave require.cache; ESM files under it are imported again under a new URL (a
// resolve hook, registered at the first reset of a function loaded by import(), appends
// ?fnkit-env=N to file: URLs under the task root). A CommonJS handler's own dynamic import() of
// an ESM file keeps that file's first instance. The old instances stay in memory (ESM cannot be unloaded): a function that keeps
// timing out grows the heap until the container's memory limit restarts it.
import { createRequire, register } from 'node:module';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const HOOK = `
let gen, root, skip;
export function initialize(d) { gen = new Int32Array(d.gen); root = d.root; skip = d.skip; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const g = Atomics.load(gen, 0);
  if (g === 0 || !r.url.startsWith(root) || skip.some((s) => r.url === s || r.url.startsWith(s + '/'))) return r;
  return { ...r, url: r.url + (r.url.includes('?') ? '&' : '?') + 'fnkit-env=' + g };
}
`;

export interface FreshModules {
  /**
   * Forget the function's modules: the next load evaluates every file under the task root again.
   * `esm`: the function loaded through import(); only then is the resolve hook registered (its
   * start blocks the thread ~60 ms, and every later import() asks the hooks thread).
   */
  renew(esm: boolean): void;
}

/** `keep`: files and folders under the task root that are not the function's (the invoker's own bundle). */
export function freshModules(taskRoot: string, keep: string[]): FreshModules {
  const gen = new Int32Array(new SharedArrayBuffer(4));
  const prefix = taskRoot.endsWith(sep) ? taskRoot : taskRoot + sep;
  const kept = (file: string) => keep.some((k) => file === k || file.startsWith(k + sep));
  let registered = false;
  return {
    renew(esm) {
      const cache = createRequire(prefix).cache;
      for (const file of Object.keys(cache)) if (file.startsWith(prefix) && !kept(file)) delete cache[file];
      Atomics.add(gen, 0, 1);
      if (esm && !registered) {
        registered = true;
        register(`data:text/javascript,${encodeURIComponent(HOOK)}`, {
          data: { gen: gen.buffer, root: pathToFileURL(prefix).href, skip: keep.map((k) => pathToFileURL(k).href) },
        });
      }
    },
  };
}
