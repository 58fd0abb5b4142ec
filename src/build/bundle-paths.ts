// Where fnkit's own sources live, so a function bundle can pull in the invoker and a runtime.
// The CLI runs either bundled (dist/cli.js) or from sources under tsx (tests), so the root is
// found by walking up to fnkit's package.json instead of assuming a fixed depth.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FnkitError } from '../errors.js';

export interface FnkitPaths {
  root: string;
  invokerMain: string;
  nodeRuntime: string;
  lambdaRuntime: string;
  /** What `import ... from 'fnkit'` resolves to inside user code. */
  publicApi: string;
  /** What `import ... from 'fnkit/testing'` resolves to. */
  testing: string;
  nodeModules: string;
}

/** Finds fnkit's root starting from a file inside it (default: this module). */
export function fnkitPaths(from: string = fileURLToPath(import.meta.url)): FnkitPaths {
  let dir = dirname(from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'fnkit') return pathsAt(dir);
      } catch {
        // an unreadable package.json on the way up is not ours: keep climbing
      }
    }
    const up = dirname(dir);
    if (up === dir) {
      throw new FnkitError('FN_ERR_FNKIT_ROOT', `cannot find fnkit's own package.json above ${from}`, {
        hint: 'reinstall fnkit: its sources (invoker/, runtimes/) must sit beside its package.json',
      });
    }
    dir = up;
  }
}

function pathsAt(root: string): FnkitPaths {
  return {
    root,
    invokerMain: join(root, 'invoker', 'main.ts'),
    nodeRuntime: join(root, 'runtimes', 'node', 'index.ts'),
    lambdaRuntime: join(root, 'runtimes', 'lambda', 'index.ts'),
    publicApi: join(root, 'runtimes', 'node', 'public.ts'),
    testing: join(root, 'src', 'testing', 'index.ts'),
    nodeModules: join(root, 'node_modules'),
  };
}
