// Native addons (.node files) cannot live inside a JavaScript bundle: the package that holds one
// must stay external and be installed beside the bundle. This esbuild plugin finds such packages
// as they are resolved and marks them external, so the caller can report and install them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/** Package names: "pkg" or "@scope/pkg" out of a bare specifier like "@scope/pkg/sub". */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] || undefined;
}

/** The folder of the package that holds `file` (the nearest node_modules/<name> above it). */
export function packageRootOf(file: string, name: string): string | undefined {
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const i = file.lastIndexOf(marker);
  return i < 0 ? undefined : file.slice(0, i + marker.length - 1);
}

/** True when a package folder ships or builds a native addon. */
export function isNativePackage(root: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    if (pkg.gypfile === true) return true;
    const deps = { ...(pkg.dependencies as object | undefined) };
    // these loaders exist only to find a compiled .node file at run time
    if ('node-gyp-build' in deps || 'bindings' in deps || 'prebuild-install' in deps || 'node-pre-gyp' in deps || '@mapbox/node-pre-gyp' in deps) return true;
  } catch {
    return false;
  }
  if (existsSync(join(root, 'binding.gyp')) || existsSync(join(root, 'prebuilds'))) return true;
  return hasNodeFile(root, 3);
}

function hasNodeFile(dir: string, depth: number): boolean {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return false;
  }
  for (const name of names) {
    if (name.endsWith('.node')) return true;
    if (depth > 0 && name !== 'node_modules' && !name.startsWith('.')) {
      const p = join(dir, name);
      try {
        if (statSync(p).isDirectory() && hasNodeFile(p, depth - 1)) return true;
      } catch {
        // vanished while scanning: not a native file
      }
    }
  }
  return false;
}

/** Marks native packages external; `found` collects their names across builds. */
export function nativeAddonPlugin(found: Set<string>): Plugin {
  const verdicts = new Map<string, boolean>();
  return {
    name: 'fnkit-native-addons',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.fnkitNative) return undefined;
        const name = packageName(args.path);
        if (!name || args.kind === 'entry-point') return undefined;
        const result = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { fnkitNative: true },
        });
        if (result.errors.length > 0 || !result.path || result.external) return undefined;
        const root = packageRootOf(result.path, name);
        if (!root) return undefined;
        let native = verdicts.get(root);
        if (native === undefined) {
          native = isNativePackage(root);
          verdicts.set(root, native);
        }
        if (!native) return { path: result.path, sideEffects: result.sideEffects };
        found.add(name);
        return { path: args.path, external: true };
      });
      // a direct `require('./x.node')` from a package we did not catch above
      build.onResolve({ filter: /\.node$/ }, (args) => {
        const dir = args.resolveDir || dirname(args.importer);
        const name = dir.includes(`${sep}node_modules${sep}`) ? packageName(dir.split(`${sep}node_modules${sep}`).pop()!.split(sep).join('/')) : undefined;
        if (name) found.add(name);
        return { path: args.path, external: true };
      });
    },
  };
}
