// CloudFormation intrinsic functions evaluated where the template alone decides the value:
// Ref to a Parameter (its Default) or a pseudo parameter, Fn::Sub, Fn::Join, Fn::Select,
// Fn::Split, Fn::FindInMap, Fn::Base64. Everything that needs a deployed stack (Ref to a
// resource, Fn::GetAtt, Fn::ImportValue, Fn::If on a condition) stays unresolved.
export const UNRESOLVED = Symbol('unresolved');
export type Value = unknown | typeof UNRESOLVED;

export interface IntrinsicContext {
  parameters: Record<string, unknown>;
  mappings: Record<string, unknown>;
  region: string;
  stackName: string;
}

const PSEUDO = (ctx: IntrinsicContext): Record<string, Value> => ({
  'AWS::Region': ctx.region,
  'AWS::StackName': ctx.stackName,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::AccountId': UNRESOLVED,
  'AWS::StackId': UNRESOLVED,
  'AWS::NotificationARNs': UNRESOLVED,
});

/** Evaluates intrinsics in `v`; UNRESOLVED when any part needs AWS. `AWS::NoValue` -> undefined. */
export function evaluate(v: unknown, ctx: IntrinsicContext): Value {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const r = evaluate(x, ctx);
      if (r === UNRESOLVED) return UNRESOLVED;
      if (r !== undefined) out.push(r);
    }
    return out;
  }
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1) {
    const k = keys[0]!;
    const arg = o[k];
    if (k === 'Ref') return ref(String(arg), ctx);
    if (k === 'Fn::Sub') return sub(arg, ctx);
    if (k === 'Fn::Join') {
      const a = evaluate(arg, ctx);
      if (!Array.isArray(a) || a.length !== 2 || !Array.isArray(a[1])) return UNRESOLVED;
      return a[1].map(String).join(String(a[0]));
    }
    if (k === 'Fn::Select') {
      const a = evaluate(arg, ctx);
      if (!Array.isArray(a) || !Array.isArray(a[1])) return UNRESOLVED;
      const item = a[1][Number(a[0])];
      return item === undefined ? UNRESOLVED : item;
    }
    if (k === 'Fn::Split') {
      const a = evaluate(arg, ctx);
      if (!Array.isArray(a) || typeof a[1] !== 'string') return UNRESOLVED;
      return a[1].split(String(a[0]));
    }
    if (k === 'Fn::FindInMap') {
      const a = evaluate(arg, ctx);
      if (!Array.isArray(a) || a.length !== 3) return UNRESOLVED;
      const hit = (((ctx.mappings[String(a[0])] ?? {}) as Record<string, unknown>)[String(a[1])] ?? {}) as Record<string, unknown>;
      return hit[String(a[2])] ?? UNRESOLVED;
    }
    if (k === 'Fn::Base64') {
      const a = evaluate(arg, ctx);
      return typeof a === 'string' ? Buffer.from(a).toString('base64') : UNRESOLVED;
    }
    if (k.startsWith('Fn::') || k === 'Condition') return UNRESOLVED;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    const r = evaluate(x, ctx);
    if (r === UNRESOLVED) return UNRESOLVED;
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function ref(name: string, ctx: IntrinsicContext): Value {
  if (name === 'AWS::NoValue') return undefined;
  const pseudo = PSEUDO(ctx);
  if (name in pseudo) return pseudo[name];
  if (name in ctx.parameters) {
    const p = ctx.parameters[name];
    return p === undefined ? UNRESOLVED : p;
  }
  return UNRESOLVED;
}

/** Fn::Sub: "${Name}", "${!Literal}", and the [template, {vars}] form. */
function sub(arg: unknown, ctx: IntrinsicContext): Value {
  let template: unknown = arg;
  let vars: Record<string, unknown> = {};
  if (Array.isArray(arg)) {
    template = arg[0];
    const v = evaluate(arg[1] ?? {}, ctx);
    if (v === UNRESOLVED || !v || typeof v !== 'object') return UNRESOLVED;
    vars = v as Record<string, unknown>;
  }
  if (typeof template !== 'string') return UNRESOLVED;
  let failed = false;
  const out = template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const n = name.trim();
    const r = n in vars ? vars[n] : n.includes('.') ? UNRESOLVED : ref(n, ctx);
    if (r === UNRESOLVED || r === undefined) {
      failed = true;
      return whole;
    }
    return String(r);
  });
  return failed ? UNRESOLVED : out;
}
