// Rules both importers share: AWS runtime names to fnkit's awsRuntime, function names to DNS-1123
// labels, routes to fn.yaml's "METHOD /path" templates, and the reasons given for what is not
// mapped (so serverless.yml and SAM users read the same explanation).
import { LAMBDA_ROUTE_METHODS } from '../config/schema-lambda.js';
import type { NotMapped } from './types.js';

export type RuntimeMapping =
  | { ok: true; awsRuntime: string; note?: string }
  | { ok: false; reason: string };

/** AWS runtime identifier -> the fnkit lambda.awsRuntime that runs it, or why none does. */
export function mapRuntime(runtime: string | undefined): RuntimeMapping {
  if (runtime === undefined) return { ok: true, awsRuntime: 'nodejs22.x', note: 'no runtime given; fnkit uses nodejs22.x' };
  if (['nodejs20.x', 'nodejs22.x', 'nodejs24.x', 'provided.al2023', 'provided.al2'].includes(runtime)) return { ok: true, awsRuntime: runtime };
  const old = /^nodejs(\d+)\.x$/.exec(runtime);
  if (old && Number(old[1]) < 20) {
    return { ok: true, awsRuntime: 'nodejs20.x', note: `${runtime} is retired on AWS; it runs with nodejs20.x semantics (the same callback-capable handler generation)` };
  }
  if (runtime === 'provided') return { ok: true, awsRuntime: 'provided.al2', note: 'provided (Amazon Linux 1) is retired; the bootstrap runs as provided.al2' };
  if (runtime === 'go1.x') {
    return { ok: false, reason: 'go1.x is retired on AWS and used an RPC protocol; rebuild the Go handler as a "bootstrap" binary (provided.al2023) and import again' };
  }
  const lang = /^(python|java|ruby|dotnet)/.exec(runtime)?.[1];
  return {
    ok: false,
    reason: `runtime ${runtime} is not supported: fnkit runs Node.js handlers and provided.al2023 bootstraps${lang ? `; a ${lang} function can run as provided.al2023 with a bootstrap that starts AWS's ${lang} runtime interface client` : ''}`,
  };
}

/** serverless function keys / SAM logical ids -> a Knative Service name. */
export function toFunctionName(key: string, taken: Set<string>): string {
  let base = key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  if (!base) base = 'fn';
  base = base.slice(0, 60).replace(/-+$/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

const METHODS = new Set<string>(LAMBDA_ROUTE_METHODS);

/** A route template for lambda.routes, or undefined when fn.yaml cannot express it. */
export function toRoute(method: string | undefined, path: string | undefined): string | undefined {
  const m = (method ?? 'ANY').toUpperCase();
  const verb = m === '*' ? 'ANY' : m;
  if (!METHODS.has(verb)) return undefined;
  let p = (path ?? '/').trim();
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1) p = p.replace(/\/+$/, '');
  if (/\s/.test(p)) return undefined;
  return `${verb} ${p}`;
}

export function short(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Event kinds that have no HTTP front door: advice per family. */
export function eventReason(kind: string): string {
  const k = kind.toLowerCase();
  if (k === 'schedule' || k === 'schedulev2' || k === 'cloudwatchevent' || k === 'eventbridge' || k === 'eventbridgerule' || k === 'scheduleV2'.toLowerCase()) {
    return 'use a Knative PingSource or a broker Trigger; the event arrives as a CloudEvent and its data becomes the Lambda event';
  }
  if (['sqs', 'sns', 's3', 'stream', 'dynamodb', 'kinesis', 'msk', 'kafka', 'activemq', 'rabbitmq', 'mq', 'documentdb', 'selfmanagedkafka', 'iot', 'iotrule', 'cognitouserpool', 'cloudwatchlog', 'alexaskill', 'alexasmarthome'].includes(k)) {
    return 'subscribe the function to a Knative broker (fn subscribe <name> --broker B --filter type=T) and send this source\'s events as CloudEvents; the data becomes the Lambda event';
  }
  if (k === 'websocket') return 'WebSocket APIs have no fnkit front door';
  return 'no fnkit equivalent for this event source';
}

/** Function-level settings fnkit has no key for. */
const PROPERTY_REASONS: Record<string, string> = {
  layers: 'Lambda layers are not mounted (/opt stays empty): copy the layer\'s files into the function folder or add them as dependencies',
  vpc: 'VPC settings are AWS networking; a Knative pod uses the cluster network',
  vpcconfig: 'VPC settings are AWS networking; a Knative pod uses the cluster network',
  role: 'IAM roles are not mapped: give the pod AWS credentials another way (env, service account)',
  policies: 'IAM policies are not mapped: give the pod AWS credentials another way (env, service account)',
  iam: 'IAM permissions are not mapped: give the pod AWS credentials another way (env, service account)',
  iamrolestatements: 'IAM permissions are not mapped: give the pod AWS credentials another way (env, service account)',
  reservedconcurrency: 'reserved concurrency is not mapped: use lambda.concurrency (workers per pod) and Knative scale bounds',
  reservedconcurrentexecutions: 'reserved concurrency is not mapped: use lambda.concurrency (workers per pod) and Knative scale bounds',
  provisionedconcurrency: 'provisioned concurrency is not mapped: set a Knative min-scale instead',
  provisionedconcurrencyconfig: 'provisioned concurrency is not mapped: set a Knative min-scale instead',
  tracing: 'X-Ray tracing is not mapped; fnkit passes W3C traceparent through as _X_AMZN_TRACE_ID',
  architecture: 'the image architecture is chosen by fn build --platform',
  architectures: 'the image architecture is chosen by fn build --platform',
  destinations: 'async invocation destinations are not mapped',
  eventinvokeconfig: 'async invocation settings are not mapped',
  onerror: 'dead-letter settings are not mapped: use a Knative Trigger delivery.deadLetterSink',
  deadletterqueue: 'dead-letter settings are not mapped: use a Knative Trigger delivery.deadLetterSink',
  auth: 'API Gateway authorizers are not emulated: check credentials in the handler or in front of the service',
  authorizer: 'API Gateway authorizers are not emulated: check credentials in the handler or in front of the service',
  cors: 'API Gateway CORS is not emulated: answer OPTIONS and set CORS headers in the handler',
  autopublishalias: 'aliases and versions are not mapped: every fnkit function serves $LATEST',
  deploymentpreference: 'CodeDeploy traffic shifting is not mapped: use Knative traffic splitting',
  filesystemconfig: 'EFS mounts are not mapped: use a Kubernetes volume',
  filesystemconfigs: 'EFS mounts are not mapped: use a Kubernetes volume',
  ephemeralstorage: '/tmp size is the pod\'s ephemeral storage',
  snapstart: 'SnapStart has no equivalent',
  package: 'packaging patterns are not applied: the whole folder is copied; list files to leave out of the image in .fnignore',
  name: 'the deployed AWS name is not used: the fnkit name is the Knative Service name',
  kmskeyarn: 'KMS-encrypted environment variables are not mapped',
};

export function propertyNote(key: string, value: unknown): NotMapped {
  const norm = key.replace(/^.*\./, '').toLowerCase();
  return { key, value: short(value), reason: PROPERTY_REASONS[norm] ?? 'fn.yaml has no equivalent' };
}
