// Bundles the CLI into dist/cli.js. Packages stay external: they are installed next to fnkit,
// and esbuild itself cannot be bundled.
import { build } from 'esbuild';

// splitting: each command's lazy import() becomes its own chunk. In one file esbuild hoists every
// package import to the top, so `fn --help` would load @kubernetes/client-node, ajv, yaml...
await build({
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
