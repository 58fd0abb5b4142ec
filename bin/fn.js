#!/usr/bin/env node
// The CLI ships pre-bundled (npm run build) so `fn --help` starts without a TypeScript loader.
import('../dist/cli.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    console.error('fn: the CLI is not built yet. Run `npm run build` in the fnkit folder.');
    process.exit(1);
  }
  throw err;
});
