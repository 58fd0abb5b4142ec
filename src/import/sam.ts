// AWS SAM template.yaml -> one PlannedFunction per AWS::Serverless::Function. Globals.Function
// supplies defaults (SAM "Globals section": scalars are overridden, Environment.Variables
// merged). `Api` events are API Gateway REST (payload 1.0) -> rest-api; `HttpApi` events are
// HTTP API (payload 2.0) -> http-api; FunctionUrlConfig -> function-url.
import { dirname, resolve } from 'node:path';
import { eventReason, mapRuntime, propertyNote, short, toFunctionName, toRoute } from './common.js';
import { clampMemory, clampTimeout, envOf } from './serverless.js';
import { evaluate, UNRESOLVED, type IntrinsicContext } from './sam-intrinsics.js';
import type { FrontDoor, ImportPlan, NotMapped, PlannedFunction } from './types.js';

const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
const MAPPED = new Set(['Handler', 'Runtime', 'CodeUri', 'Timeout', 'MemorySize', 'Environment', 'Events', 'FunctionUrlConfig', 'PackageType']);

export function isSamDoc(doc: unknown): doc is Record<string, unknown> {
  if (!doc || typeof doc !== 'object') return false;
  const d = doc as Record<string, unknown>;
  const t = d.Transform;
  if (t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM))) return true;
  return Object.values(obj(d.Resources)).some((r) => obj(r).Type === 'AWS::Serverless::Function');
}

export function planSam(doc: Record<string, unknown>, file: string, opts: { region?: string; stackName: string }): ImportPlan {
  const parameters: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(obj(doc.Parameters))) parameters[k] = obj(p).Default;
  const ctx: IntrinsicContext = { parameters, mappings: obj(doc.Mappings), region: opts.region ?? 'us-east-1', stackName: opts.stackName };
  const globals = obj(obj(doc.Globals).Function);
  const globalApi = obj(obj(doc.Globals).Api);
  const resources = obj(doc.Resources);
  const projectNotes: NotMapped[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (['AWSTemplateFormatVersion', 'Transform', 'Description', 'Parameters', 'Mappings', 'Globals', 'Resources', 'Metadata'].includes(k)) continue;
    projectNotes.push({ key: k, value: short(v), reason: k === 'Outputs' ? 'stack outputs are not produced: fn deploy prints the function URL' : k === 'Conditions' ? 'conditions are not evaluated: Fn::If values are listed where they are used' : 'fn.yaml has no equivalent' });
  }
  for (const [k, g] of Object.entries(obj(doc.Globals))) {
    if (k !== 'Function' && k !== 'Api' && k !== 'HttpApi') projectNotes.push({ key: `Globals.${k}`, value: short(g), reason: 'fn.yaml has no equivalent' });
  }
  const apis: Record<string, { binaryMediaTypes: string[] }> = {};
  for (const [id, r] of Object.entries(resources)) {
    const res = obj(r);
    if (res.Type === 'AWS::Serverless::Api') {
      const props = obj(res.Properties);
      const bmt = evaluate(props.BinaryMediaTypes ?? globalApi.BinaryMediaTypes ?? [], ctx);
      apis[id] = { binaryMediaTypes: Array.isArray(bmt) ? bmt.map((t) => String(t).replace('~1', '/')) : [] };
      for (const [k, v] of Object.entries(props)) {
        if (!['BinaryMediaTypes', 'StageName', 'DefinitionBody', 'DefinitionUri'].includes(k)) projectNotes.push(propertyNote(`Resources.${id}.Properties.${k}`, v));
      }
      if (props.DefinitionBody || props.DefinitionUri) projectNotes.push({ key: `Resources.${id}.Properties.DefinitionBody`, reason: 'OpenAPI definitions are not read: routes come from each function\'s events' });
    } else if (res.Type !== 'AWS::Serverless::Function' && res.Type !== 'AWS::Serverless::HttpApi') {
      projectNotes.push({ key: `Resources.${id}`, value: String(res.Type), reason: res.Type === 'AWS::Lambda::Function' ? 'plain CloudFormation Lambda functions are not imported: declare it as AWS::Serverless::Function' : 'not created: fnkit deploys functions only' });
    }
  }
  const defaultBinary = (() => {
    const v = evaluate(globalApi.BinaryMediaTypes ?? [], ctx);
    return Array.isArray(v) ? v.map((t) => String(t).replace('~1', '/')) : [];
  })();

  const taken = new Set<string>();
  const out: PlannedFunction[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const res = obj(r);
    if (res.Type !== 'AWS::Serverless::Function') continue;
    const where = `Resources.${id}.Properties`;
    const own = obj(res.Properties);
    const notMapped: NotMapped[] = [];
    // Globals first, the function's own values over them; Environment.Variables merge.
    const merged: Record<string, unknown> = { ...globals, ...own };
    const genv = obj(obj(globals.Environment).Variables);
    const fenv = obj(obj(own.Environment).Variables);
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(merged)) {
      if (k === 'Environment') continue;
      // Only mapped values are evaluated; the rest is listed as written, and Events are read
      // one by one so one !GetAtt in an SQS event does not hide the Api events.
      if (!MAPPED.has(k) || k === 'Events') {
        props[k] = v;
        continue;
      }
      const e = evaluate(v, ctx);
      if (e === UNRESOLVED) notMapped.push({ key: `${where}.${k}`, value: short(v), reason: 'needs a deployed stack to resolve (Ref to a resource, GetAtt, ImportValue, If); set the value in fn.yaml' });
      else if (e !== undefined) props[k] = e;
    }
    const env: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...genv, ...fenv })) {
      const e = evaluate(v, ctx);
      if (e === UNRESOLVED) notMapped.push({ key: `${where}.Environment.Variables.${k}`, value: short(v), reason: 'needs a deployed stack to resolve (a table name, an ARN...); set the value in fn.yaml env' });
      else if (e !== undefined) env[k] = e;
    }
    for (const [k, v] of Object.entries(props)) if (!MAPPED.has(k)) notMapped.push(propertyNote(`${where}.${k}`, v));
    const base: PlannedFunction = {
      source: id,
      name: toFunctionName(id, taken),
      status: 'imported',
      timeout: num(props.Timeout) ?? 3,
      memorySize: num(props.MemorySize) ?? 128,
      env: {},
      frontDoor: 'raw',
      routes: [],
      binaryMediaTypes: [],
      codeDir: dirname(file),
      notMapped,
    };
    if (props.PackageType === 'Image') {
      out.push({ ...base, status: 'skipped', reason: 'container-image functions (PackageType: Image) are not imported: the image already runs its own runtime; deploy it as a Knative Service directly' });
      continue;
    }
    if (props.InlineCode !== undefined) {
      out.push({ ...base, status: 'skipped', reason: 'InlineCode functions are not imported: move the code into a file and use CodeUri + Handler' });
      continue;
    }
    const codeUri = props.CodeUri ?? '.';
    if (typeof codeUri !== 'string') {
      out.push({ ...base, status: 'skipped', reason: `CodeUri ${short(codeUri)} points to S3; fn import needs the code on disk (a local CodeUri folder)` });
      continue;
    }
    base.codeDir = resolve(dirname(file), codeUri);
    const handler = typeof props.Handler === 'string' && props.Handler ? props.Handler : undefined;
    if (!handler) {
      out.push({ ...base, status: 'skipped', reason: `${where} has no Handler (expected "Handler: file.export")` });
      continue;
    }
    base.handler = handler;
    const runtime = mapRuntime(typeof props.Runtime === 'string' ? props.Runtime : undefined);
    if (!runtime.ok) {
      out.push({ ...base, status: 'skipped', reason: runtime.reason });
      continue;
    }
    base.awsRuntime = runtime.awsRuntime;
    if (runtime.note) notMapped.push({ key: `${where}.Runtime`, value: String(props.Runtime ?? ''), reason: runtime.note });
    base.env = envOf(`${where}.Environment.Variables`, env, notMapped);
    Object.assign(base, clampMemory(base.memorySize, `${where}.MemorySize`, notMapped));
    base.timeout = clampTimeout(base.timeout, `${where}.Timeout`, notMapped);
    mapEvents(where, props, base, notMapped, apis, defaultBinary, ctx);
    out.push(base);
  }
  const stack = typeof doc.Description === 'string' ? opts.stackName : opts.stackName;
  return { format: 'sam', source: file, project: stack, functions: out, notMapped: projectNotes };
}

function mapEvents(where: string, props: Record<string, unknown>, f: PlannedFunction, notMapped: NotMapped[], apis: Record<string, { binaryMediaTypes: string[] }>, defaultBinary: string[], ctx: IntrinsicContext): void {
  let door: FrontDoor | undefined;
  const claim = (d: FrontDoor, key: string, value: unknown): boolean => {
    if (door === undefined || door === d) {
      door = d;
      return true;
    }
    notMapped.push({ key, value: short(value), reason: `one fnkit function has one front door and this one is ${door}: copy the function folder and set lambda.frontDoor: ${d} to serve these events too` });
    return false;
  };
  const events = obj(props.Events);
  for (const [name, e] of Object.entries(events)) {
    const ev = obj(e);
    const type = String(ev.Type ?? '?');
    const key = `${where}.Events.${name}`;
    const p: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj(ev.Properties))) {
      const e = k === 'Path' || k === 'Method' || k === 'PayloadFormatVersion' ? evaluate(v, ctx) : v;
      if (e === UNRESOLVED) notMapped.push({ key: `${key}.Properties.${k}`, value: short(v), reason: 'needs a deployed stack to resolve' });
      else p[k] = e;
    }
    if (type === 'Api') {
      if (!claim('rest-api', key, p)) continue;
      addRoute(f, p.Method, p.Path, key, notMapped);
      const apiId = typeof obj(p.RestApiId).Ref === 'string' ? String(obj(p.RestApiId).Ref) : undefined;
      f.binaryMediaTypes = apiId && apis[apiId] ? apis[apiId]!.binaryMediaTypes : defaultBinary;
      for (const [k, v] of Object.entries(p)) if (!['Path', 'Method', 'RestApiId'].includes(k)) notMapped.push(propertyNote(`${key}.Properties.${k}`, v));
    } else if (type === 'HttpApi') {
      if (!claim('http-api', key, p)) continue;
      if (p.Path !== undefined || p.Method !== undefined) addRoute(f, p.Method ?? 'ANY', p.Path ?? '/', key, notMapped);
      if (p.PayloadFormatVersion === '1.0') notMapped.push({ key: `${key}.Properties.PayloadFormatVersion`, value: '1.0', reason: 'payload 1.0 is not emulated on the http-api front door (2.0 events are sent); use lambda.frontDoor: rest-api for REST-shaped events' });
      for (const [k, v] of Object.entries(p)) if (!['Path', 'Method', 'ApiId', 'PayloadFormatVersion'].includes(k)) notMapped.push(propertyNote(`${key}.Properties.${k}`, v));
    } else {
      notMapped.push({ key, value: type, reason: eventReason(type) });
    }
  }
  if (props.FunctionUrlConfig !== undefined && claim('function-url', `${where}.FunctionUrlConfig`, props.FunctionUrlConfig)) {
    for (const [k, v] of Object.entries(obj(props.FunctionUrlConfig))) {
      if (k !== 'AuthType' && k !== 'InvokeMode') notMapped.push(propertyNote(`${where}.FunctionUrlConfig.${k}`, v));
      if (k === 'AuthType' && v === 'AWS_IAM') notMapped.push({ key: `${where}.FunctionUrlConfig.AuthType`, value: 'AWS_IAM', reason: 'IAM auth on function URLs is not emulated: the fnkit URL is open like AuthType NONE' });
    }
  }
  f.frontDoor = door ?? 'raw';
  if (!door) notMapped.push({ key: `${where}.Events`, value: `${Object.keys(events).length} event(s)`, reason: 'no HTTP event: the function uses the raw front door (the request body is the event); CloudEvents deliver their data as the event' });
}

function addRoute(f: PlannedFunction, method: unknown, path: unknown, key: string, notMapped: NotMapped[]): void {
  const r = toRoute(typeof method === 'string' ? method : undefined, typeof path === 'string' ? path : undefined);
  if (!r) {
    notMapped.push({ key, value: `${String(method ?? '')} ${String(path ?? '')}`.trim(), reason: 'not a route fn.yaml can express ("METHOD /path", METHOD one of ANY GET POST PUT PATCH DELETE HEAD OPTIONS)' });
    return;
  }
  if (!f.routes.includes(r)) f.routes.push(r);
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}
