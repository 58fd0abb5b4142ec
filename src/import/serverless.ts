// serverless.yml (Serverless Framework v3/v4, provider aws) -> one PlannedFunction per entry of
// `functions`. Provider-level defaults (runtime, timeout, memorySize, environment, region) apply
// first, then the function's own keys (serverless.com/framework/docs/providers/aws/guide/functions).
// `http` events are API Gateway REST (payload 1.0) -> rest-api; `httpApi` events are HTTP API
// (payload 2.0 by default) -> http-api; `alb` -> alb; `url: true` -> function-url.
import { dirname } from 'node:path';
import { FnkitError } from '../errors.js';
import { eventReason, mapRuntime, propertyNote, short, toFunctionName, toRoute } from './common.js';
import { resolveVariables } from './sls-variables.js';
import type { FrontDoor, ImportPlan, NotMapped, PlannedFunction } from './types.js';

export interface ServerlessOptions {
  stage?: string;
  env: Record<string, string | undefined>;
}

/** Keys of a function that are mapped (or harmless) and therefore not listed. */
const FUNCTION_MAPPED = new Set(['handler', 'runtime', 'timeout', 'memorySize', 'environment', 'events', 'url']);
/** Project keys that need no mapping. */
const PROJECT_QUIET = new Set(['service', 'provider', 'functions', 'custom', 'frameworkVersion', 'configValidationMode', 'variablesResolutionMode', 'deprecationNotificationMode', 'org', 'app', 'params']);
const PROVIDER_MAPPED = new Set(['name', 'runtime', 'stage', 'region', 'timeout', 'memorySize', 'environment', 'apiGateway', 'httpApi', 'profile', 'deploymentBucket', 'versionFunctions', 'logRetentionInDays', 'tags', 'stackTags', 'stackName', 'apiName', 'endpointType', 'logs']);

export function isServerlessDoc(doc: unknown): doc is Record<string, unknown> {
  return !!doc && typeof doc === 'object' && 'service' in doc && ('functions' in doc || 'provider' in doc);
}

export function planServerless(raw: Record<string, unknown>, file: string, opts: ServerlessOptions): ImportPlan {
  const rawProvider = obj(raw.provider);
  const stage = opts.stage ?? (typeof rawProvider.stage === 'string' && !rawProvider.stage.includes('${') ? rawProvider.stage : 'dev');
  const region = typeof rawProvider.region === 'string' && !rawProvider.region.includes('${') ? rawProvider.region : 'us-east-1';
  const { doc, unresolved } = resolveVariables(raw, { stage, region, env: opts.env, baseDir: dirname(file) });
  const provider = obj(doc.provider);
  if (provider.name !== undefined && provider.name !== 'aws') {
    throw new FnkitError('FN_ERR_IMPORT_UNSUPPORTED', `${file}: provider.name is "${String(provider.name)}"; fn import reads AWS projects only`, {
      hint: 'only serverless.yml files with provider.name: aws describe Lambda functions',
      data: { file },
    });
  }
  const project = typeof doc.service === 'string' ? doc.service : typeof obj(doc.service).name === 'string' ? String(obj(doc.service).name) : 'service';
  const functions = functionEntries(doc.functions, file);
  const projectNotes: NotMapped[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (PROJECT_QUIET.has(k)) continue;
    projectNotes.push({
      key: k,
      value: short(v),
      reason:
        k === 'plugins' ? 'plugins are not run: build steps they did (TypeScript, bundling) must be done before fn run' :
        k === 'resources' ? 'CloudFormation resources are not created: fnkit deploys functions only' :
        k === 'useDotenv' ? 'dotenv files are not loaded: put the variables in each fn.yaml env' :
        k === 'package' ? 'packaging patterns are not applied: the whole folder is copied; list files to leave out of the image in .fnignore' :
        'fn.yaml has no equivalent',
    });
  }
  projectNotes.push({ key: 'provider.stage', value: stage, reason: 'the stage is not a URL prefix under fnkit; set lambda.stage to serve under /<stage>' });
  const providerNotes: NotMapped[] = [];
  for (const [k, v] of Object.entries(provider)) {
    if (!PROVIDER_MAPPED.has(k)) providerNotes.push(propertyNote(`provider.${k}`, v));
  }
  const httpApiCfg = obj(provider.httpApi);
  const apiGwCfg = obj(provider.apiGateway);
  if (httpApiCfg.authorizers) providerNotes.push(propertyNote('provider.httpApi.authorizers', httpApiCfg.authorizers));
  if (httpApiCfg.cors) providerNotes.push(propertyNote('provider.httpApi.cors', httpApiCfg.cors));
  const binaryMediaTypes = Array.isArray(apiGwCfg.binaryMediaTypes) ? apiGwCfg.binaryMediaTypes.map(String) : [];
  const httpPayload10 = String(httpApiCfg.payload ?? '2.0') === '1.0';

  const taken = new Set<string>();
  const out: PlannedFunction[] = [];
  for (const [key, value] of functions) {
    const fn = obj(value);
    const notMapped: NotMapped[] = [...providerNotes];
    for (const u of unresolved) {
      if (u.path.startsWith(`functions.${key}.`) || u.path.startsWith('provider.')) {
        notMapped.push({ key: u.path, value: u.expr, reason: 'variable not resolvable without AWS or the deploy environment; set the value in fn.yaml' });
      }
    }
    for (const [k, v] of Object.entries(fn)) if (!FUNCTION_MAPPED.has(k)) notMapped.push(propertyNote(`functions.${key}.${k}`, v));
    const runtime = mapRuntime(str(fn.runtime) ?? str(provider.runtime));
    const base: PlannedFunction = {
      source: key,
      name: toFunctionName(key, taken),
      status: 'imported',
      timeout: num(fn.timeout) ?? num(provider.timeout) ?? 6,
      memorySize: num(fn.memorySize) ?? num(provider.memorySize) ?? 1024,
      env: {},
      frontDoor: 'raw',
      routes: [],
      binaryMediaTypes: [],
      // Only a region the project names: otherwise the deploy environment's AWS_REGION applies.
      region: typeof provider.region === 'string' ? provider.region : undefined,
      codeDir: dirname(file),
      notMapped,
    };
    if (fn.image !== undefined) {
      out.push({ ...base, status: 'skipped', reason: 'container-image functions are not imported: the image already runs its own runtime; deploy it as a Knative Service directly' });
      continue;
    }
    const handler = str(fn.handler);
    if (!handler) {
      out.push({ ...base, status: 'skipped', reason: `functions.${key} has no handler (expected "handler: file.export")` });
      continue;
    }
    base.handler = handler;
    if (!runtime.ok) {
      out.push({ ...base, status: 'skipped', reason: runtime.reason });
      continue;
    }
    base.awsRuntime = runtime.awsRuntime;
    if (runtime.note) notMapped.push({ key: `functions.${key}.runtime`, value: str(fn.runtime) ?? str(provider.runtime), reason: runtime.note });
    base.env = envOf(`functions.${key}`, { ...obj(provider.environment), ...obj(fn.environment) }, notMapped);
    Object.assign(base, clampMemory(base.memorySize, `functions.${key}.memorySize`, notMapped));
    base.timeout = clampTimeout(base.timeout, `functions.${key}.timeout`, notMapped);
    mapEvents(key, fn, base, notMapped, { binaryMediaTypes, httpPayload10 });
    out.push(base);
  }
  return { format: 'serverless', source: file, project, functions: out, notMapped: projectNotes };
}

function mapEvents(key: string, fn: Record<string, unknown>, f: PlannedFunction, notMapped: NotMapped[], cfg: { binaryMediaTypes: string[]; httpPayload10: boolean }): void {
  const events = Array.isArray(fn.events) ? fn.events : [];
  let door: FrontDoor | undefined;
  const claim = (d: FrontDoor, where: string, value: unknown): boolean => {
    if (door === undefined || door === d) {
      door = d;
      return true;
    }
    notMapped.push({ key: where, value: short(value), reason: `one fnkit function has one front door and this one is ${door}: copy the function folder and set lambda.frontDoor: ${d} to serve these events too` });
    return false;
  };
  events.forEach((ev, i) => {
    const where = `functions.${key}.events[${i}]`;
    const [kind, spec] = Object.entries(obj(ev))[0] ?? ['?', undefined];
    if (kind === 'http') {
      if (!claim('rest-api', `${where}.http`, spec)) return;
      const { method, path, rest } = httpEvent(spec);
      addRoute(f, method, path, `${where}.http`, notMapped);
      for (const [k, v] of Object.entries(rest)) notMapped.push(propertyNote(`${where}.http.${k}`, v));
      f.binaryMediaTypes = cfg.binaryMediaTypes;
    } else if (kind === 'httpApi') {
      // HTTP API with payload 1.0 sends REST-shaped events (lambda.md §3.6 "version: 1.0").
      const d: FrontDoor = cfg.httpPayload10 ? 'rest-api' : 'http-api';
      if (!claim(d, `${where}.httpApi`, spec)) return;
      if (cfg.httpPayload10) notMapped.push({ key: 'provider.httpApi.payload', value: '1.0', reason: 'payload 1.0 is served by the rest-api front door (REST-shaped events)' });
      const { method, path, rest } = httpEvent(spec);
      if (!(method === '*' && path === undefined)) addRoute(f, method, path, `${where}.httpApi`, notMapped);
      for (const [k, v] of Object.entries(rest)) notMapped.push(propertyNote(`${where}.httpApi.${k}`, v));
    } else if (kind === 'alb') {
      if (!claim('alb', `${where}.alb`, spec)) return;
      const a = obj(spec);
      if (a.multiValueHeaders === true) f.multiValueHeaders = true;
      const cond = obj(a.conditions);
      const paths = Array.isArray(cond.path) ? cond.path.map(String) : typeof cond.path === 'string' ? [cond.path] : [];
      const methods = Array.isArray(cond.method) ? cond.method.map(String) : ['ANY'];
      for (const p of paths) for (const m of methods) addRoute(f, m, p.replace(/\*$/, '{proxy+}'), `${where}.alb`, notMapped);
      for (const [k, v] of Object.entries(a)) if (!['multiValueHeaders', 'conditions', 'listenerArn', 'priority'].includes(k)) notMapped.push(propertyNote(`${where}.alb.${k}`, v));
    } else {
      notMapped.push({ key: `${where}.${kind}`, value: short(spec), reason: eventReason(kind) });
    }
  });
  if (fn.url !== undefined && fn.url !== false) {
    if (claim('function-url', `functions.${key}.url`, fn.url)) {
      const u = obj(fn.url);
      for (const [k, v] of Object.entries(u)) if (k !== 'invokeMode') notMapped.push(propertyNote(`functions.${key}.url.${k}`, v));
    }
  }
  f.frontDoor = door ?? 'raw';
  if (!door) notMapped.push({ key: `functions.${key}.events`, value: `${events.length} event(s)`, reason: 'no HTTP event: the function uses the raw front door (the request body is the event); CloudEvents deliver their data as the event' });
}

function httpEvent(spec: unknown): { method: string | undefined; path: string | undefined; rest: Record<string, unknown> } {
  if (typeof spec === 'string') {
    const t = spec.trim();
    if (t === '*') return { method: '*', path: undefined, rest: {} };
    const [method, path] = t.split(/\s+/, 2);
    return { method, path, rest: {} };
  }
  const o = obj(spec);
  const { method, path, integration, request, response, async: _async, ...rest } = o;
  void _async;
  if (integration !== undefined && String(integration).toLowerCase() !== 'lambda-proxy' && String(integration).toLowerCase() !== 'aws_proxy') {
    rest.integration = integration;
  }
  if (request !== undefined) rest.request = request;
  if (response !== undefined) rest.response = response;
  return { method: method === undefined ? undefined : String(method), path: path === undefined ? undefined : String(path), rest };
}

function addRoute(f: PlannedFunction, method: string | undefined, path: string | undefined, where: string, notMapped: NotMapped[]): void {
  const r = toRoute(method, path);
  if (!r) {
    notMapped.push({ key: where, value: `${method ?? ''} ${path ?? ''}`.trim(), reason: 'not a route fn.yaml can express ("METHOD /path", METHOD one of ANY GET POST PUT PATCH DELETE HEAD OPTIONS)' });
    return;
  }
  if (!f.routes.includes(r)) f.routes.push(r);
}

export function envOf(key: string, env: Record<string, unknown>, notMapped: NotMapped[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) {
      notMapped.push({ key: `${key}.environment.${k}`, reason: 'not a valid environment variable name' });
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      out[k] = String(v);
    } else if (v !== undefined && v !== null) {
      notMapped.push({ key: `${key}.environment.${k}`, value: short(v), reason: 'the value is not a plain string (an unresolved reference); set it in fn.yaml env' });
    }
  }
  return out;
}

export function clampMemory(mb: number, key: string, notMapped: NotMapped[]): { memorySize: number } {
  if (mb < 128 || mb > 10240 || !Number.isInteger(mb)) {
    const m = Math.min(10240, Math.max(128, Math.round(mb)));
    notMapped.push({ key, value: String(mb), reason: `outside AWS's 128..10240 MB; using ${m}` });
    return { memorySize: m };
  }
  return { memorySize: mb };
}

export function clampTimeout(secs: number, key: string, notMapped: NotMapped[]): number {
  if (secs > 0 && secs <= 900) return secs;
  const t = Math.min(900, Math.max(1, Math.round(secs)));
  notMapped.push({ key, value: String(secs), reason: `outside AWS's 1..900 seconds; using ${t}` });
  return t;
}

function functionEntries(v: unknown, file: string): Array<[string, unknown]> {
  if (v === undefined || v === null) return [];
  // The framework also accepts a list of single-key maps.
  if (Array.isArray(v)) return v.flatMap((x) => Object.entries(obj(x)));
  if (typeof v !== 'object') {
    throw new FnkitError('FN_ERR_IMPORT_FORMAT', `${file}: "functions" must be a map of function name -> settings, got ${typeof v}`, { data: { file } });
  }
  return Object.entries(v as Record<string, unknown>);
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}
