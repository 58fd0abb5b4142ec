'use strict';
// Copied into every image as /app/fnkit/load.cjs: loads the fnkit runtime (runtime.cjs, one
// CommonJS bundle) through vm.Script with the V8 code cache runtime.cjs.cache beside it, when
// the build made one (src/build/code-cache.ts). The cache holds the bytecode of every function
// a start-up and the first requests compiled, made by the image's own node, so a cold start
// skips parsing and compiling them (docs/invoker.md, "Cold start"). V8 checks it against its
// version, flags and the source, and compiles as usual when it does not match (another node,
// another NODE_OPTIONS): a stale cache costs the read, never correctness.
// Plain CommonJS on purpose: Node 20 offers a code cache only for scripts (vm.Script), and
// NODE_COMPILE_CACHE (22+) keeps only what compiles before the code runs.
const { Script } = require('node:vm');
const { readFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { join } = require('node:path');

const file = join(__dirname, 'runtime.cjs');
let cachedData;
try {
  cachedData = readFileSync(file + '.cache');
} catch {
  // built without a code cache (another platform, a node that cannot run on the build machine)
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
// import() inside a vm.Script has no module loader (and vm's USE_MAIN_CONTEXT_DEFAULT_LOADER is
// experimental, warns, and fails for code from the cache): the Lambda runtime import()s ESM
// handlers through this one, from a real module (runtimes/lambda/worker/loader.ts)
globalThis[Symbol.for('fnkit.import')] = (specifier) => import(specifier);
const runtime = { exports: {} };
script.runInThisContext()(runtime.exports, createRequire(file), runtime, file, __dirname);
// logged by the invoker in its "ready" line (invoker/main.ts): accepted, rejected or none
globalThis[Symbol.for('fnkit.codeCache')] = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
module.exports = runtime.exports;
// for the build's training run (src/build/runtime/train.cjs): the cache after running
Object.defineProperty(module.exports, 'createCodeCache', { value: () => script.createCachedData() });
