// fn.yaml `deploy:` section. Owned by src/deploy. Placeholder until that work lands.
export const deploySchema = { type: 'object', additionalProperties: true, default: {} } as const;
