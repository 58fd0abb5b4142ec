// fn.yaml `lambda:` section. Owned by runtimes/lambda. Placeholder until that work lands.
export const lambdaSchema = { type: 'object', additionalProperties: true } as const;
