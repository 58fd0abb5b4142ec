// The generated entry of a function bundle: fn.yaml settings baked in as defaults, then the
// invoker started with the runtime for the function's kind. Pure: spec in, source text out.
import { join } from 'node:path';
import type { FunctionSpec } from '../config/types.js';
import type { FnkitPaths } from './bundle-paths.js';

/** Virtual module that sets env defaults before anything else is evaluated. */
export const DEFAULTS_MODULE = 'fnkit:defaults';

/**
 * fn.yaml `env` as process defaults (`??=`): the image runs correctly on its own while an
 * explicit variable, set by Knative or `fn run --env`, still wins.
 */
export function bakedEnv(spec: FunctionSpec): Record<string, string> {
  return { ...spec.env };
}

export function defaultsModuleSource(env: Record<string, string>): string {
  const lines = Object.entries(env).map(([k, v]) => `process.env[${JSON.stringify(k)}] ??= ${JSON.stringify(v)};`);
  return `// fn.yaml settings, as defaults an explicit environment overrides\n${lines.join('\n')}\n`;
}

/**
 * fn.yaml's invoker settings as main()'s `defaults` (invoker/config.ts InvokerSettings); the
 * invoker's own env variables (FN_TIMEOUT...) override them.
 */
export function invokerDefaults(spec: FunctionSpec, mode: 'dev' | 'production'): Record<string, unknown> {
  const ce = spec.invoker.cloudevents;
  return {
    timeoutMs: Math.round(spec.timeout * 1000),
    bodyLimit: spec.invoker.bodyLimit,
    reservedPrefix: spec.invoker.reservedPrefix,
    dev: mode === 'dev',
    ceReplyMode: ce.replyMode,
    ceReplyType: ce.replyType,
    ceReplySource: ce.replySource,
  };
}

/** lambdaRuntime()'s options, the same for the image bundle and `fn run`'s dev bundle. */
export function lambdaOptions(spec: FunctionSpec): Record<string, unknown> {
  // env: the Lambda runtime must tell fn.yaml's env (which may override AWS defaults such as
  // TZ) from variables merely inherited by the process.
  return { handler: spec.handler, name: spec.name, timeout: spec.timeout, config: spec.lambda ?? {}, env: spec.env };
}

export function entrySource(spec: FunctionSpec, mode: 'dev' | 'production', paths: FnkitPaths, format: 'esm' | 'cjs' = 'esm'): string {
  // CommonJS has no top-level await: a failed start ends the process as an ES module's would
  const start = (runtime: string, defaults: string) => format === 'cjs'
    ? `main({ runtime: ${runtime}, defaults: ${defaults} }).catch((err) => { console.error(err); process.exit(1); });`
    : `await main({ runtime: ${runtime}, defaults: ${defaults} });`;
  const head = [
    `import ${JSON.stringify(DEFAULTS_MODULE)};`,
    `import { main } from ${JSON.stringify(paths.invokerMain)};`,
  ];
  const defaults = JSON.stringify(invokerDefaults(spec, mode));
  if (spec.runtime === 'lambda') {
    // AWS loads Lambda code from the task root by handler string at run time, so the user's
    // code stays outside the bundle (specs/lambda.md); only the runtime is bundled.
    const options = JSON.stringify(lambdaOptions(spec));
    return [
      ...head,
      `import { lambdaRuntime } from ${JSON.stringify(paths.lambdaRuntime)};`,
      start(`() => lambdaRuntime(${options})`, defaults),
      '',
    ].join('\n');
  }
  return [
    ...head,
    `import { nodeRuntime } from ${JSON.stringify(paths.nodeRuntime)};`,
    `import * as userModule from ${JSON.stringify(join(spec.dir, spec.handler))};`,
    start(`() => nodeRuntime(userModule, { dev: ${mode === 'dev'} })`, defaults),
    '',
  ].join('\n');
}
