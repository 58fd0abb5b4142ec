// fn.yaml `build:` section. Owned by src/build. Placeholder until that work lands.
export const buildSchema = { type: 'object', additionalProperties: true, default: {} } as const;
