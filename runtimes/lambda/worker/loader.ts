// Loads the user's handler from the task root exactly as the Node RIC does (specs/lambda.md
// §3.1): RIC 3.x (nodejs20.x/22.x) tries the extensionless file, then .js by require() unless
// the nearest package.json says "type": "module", then import() of .js/.mjs and require() of
// .cjs, then a package in node_modules; RIC 4.x (nodejs24.x) import()s "", .js, .mjs, .cjs in
// turn and also looks the export up under `default`. Load errors become AWS's error types.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseHandlerName, resolveExport } from '../handler-name.js';
import { callbackHandlerDeprecated, handlerNotFound, importModuleError, malformedStreamingHandler, userCodeSyntaxError } from './errors.js';

export const STREAMING_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HIGH_WATER_MARK_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

export type UserHandler = (...args: any[]) => unknown;

export interface LoadedHandler {
  fn: UserHandler;
  streaming: boolean;
  highWaterMark?: number;
  /** 3.x: handler.constructor.name === 'AsyncFunction'. */
  isAsync: boolean;
  argsNum: number;
  /** The module came through import() (ESM, or any file under nodejs24.x). */
  viaImport: boolean;
}

export function isPromiseOnly(awsRuntime: string): boolean {
  return awsRuntime === 'nodejs24.x';
}

/** Nearest package.json walking up, stopping at node_modules or the root (RIC 3.x). */
function hasPackageJsonTypeModule(file: string): boolean {
  let dir = dirname(file);
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        return JSON.parse(readFileSync(pj, 'utf8'))?.type === 'module';
      } catch {
        return false;
      }
    }
    const parent = dirname(dir);
    if (parent === dir || dir.endsWith('/node_modules')) return false;
    dir = parent;
  }
}

/** Set when the handler module is loaded with import() rather than require(). */
let imported = false;

/**
 * In an image the runtime runs inside vm.Script (src/build/runtime/load.cjs), where import() has
 * no module loader once the code comes from the V8 code cache; load.cjs hands over its own.
 */
const loaderImport = (globalThis as Record<symbol, ((specifier: string) => Promise<unknown>) | undefined>)[Symbol.for('fnkit.import')];

async function importFile(file: string): Promise<unknown> {
  imported = true;
  const url = pathToFileURL(file).href;
  return loaderImport ? loaderImport(url) : import(url);
}

async function loadModule3(appRoot: string, moduleRoot: string, module: string): Promise<unknown> {
  const req = createRequire(join(appRoot, 'index.js'));
  const base = resolve(appRoot, moduleRoot, module);
  if (existsSync(base)) return req(base);
  const isModule = hasPackageJsonTypeModule(base);
  if (!isModule && existsSync(base + '.js')) return req(base + '.js');
  if (isModule && existsSync(base + '.js')) return importFile(base + '.js');
  if (existsSync(base + '.mjs')) return importFile(base + '.mjs');
  if (existsSync(base + '.cjs')) return req(base + '.cjs');
  return req(req.resolve(module, { paths: [appRoot, join(appRoot, moduleRoot)] }));
}

async function loadModule4(appRoot: string, moduleRoot: string, module: string): Promise<unknown> {
  const base = resolve(appRoot, moduleRoot, module);
  for (const ext of ['', '.js', '.mjs', '.cjs']) {
    if (existsSync(base + ext)) return importFile(base + ext);
  }
  const req = createRequire(join(appRoot, 'index.js'));
  return importFile(req.resolve(module, { paths: [appRoot, join(appRoot, moduleRoot)] }));
}

function classifyLoadError(e: unknown): unknown {
  if (e instanceof SyntaxError) return userCodeSyntaxError(e);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') return importModuleError(e);
  // Anything else thrown while the module evaluates is reported as is (errorType = error.name).
  return e;
}

/** Loads and checks the handler; throws an AWS-typed error (the init error). */
export async function loadHandler(appRoot: string, handlerString: string, awsRuntime: string, warn: (msg: string) => void, disableCallbackWarning: boolean): Promise<LoadedHandler> {
  const { moduleRoot, module, exportPath } = parseHandlerName(handlerString);
  const v4 = isPromiseOnly(awsRuntime);
  let mod: any;
  imported = false;
  try {
    mod = v4 ? await loadModule4(appRoot, moduleRoot, module) : await loadModule3(appRoot, moduleRoot, module);
  } catch (e) {
    throw classifyLoadError(e);
  }
  let fn = resolveExport(mod, exportPath);
  if (v4 && fn === undefined && mod && mod.default) fn = resolveExport(mod.default, exportPath);
  if (!fn) throw handlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw handlerNotFound(`${handlerString} is not a function`);
  const marker = (fn as any)[STREAMING_SYMBOL];
  if (marker !== undefined && marker !== 'response') throw malformedStreamingHandler('Only response streaming is supported.');
  const streaming = marker === 'response';
  const hwm = (fn as any)[HIGH_WATER_MARK_SYMBOL];
  const loaded: LoadedHandler = {
    fn: fn as UserHandler,
    streaming,
    highWaterMark: typeof hwm === 'number' && hwm > 0 ? hwm : undefined,
    isAsync: fn.constructor?.name === 'AsyncFunction',
    argsNum: fn.length,
    viaImport: imported,
  };
  if (loaded.argsNum >= 3 && !streaming) {
    // nodejs24.x removed callbacks; the test is arity only (RIC 4.x callback-deprecation.ts).
    if (v4) {
      throw callbackHandlerDeprecated(
        'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
      );
    }
    if (!loaded.isAsync && !disableCallbackWarning) {
      warn(
        'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.',
      );
    }
  }
  return loaded;
}
