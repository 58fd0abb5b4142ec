// fn.yaml `build:` section. Owned by src/build (issue 4). Every key is optional; defaults are
// applied in src/build (DEFAULT_BASE) so `fn.yaml` without `build:` still builds.
export const buildSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** Base image reference; pin with name@sha256:... for reproducible builds. */
    base: { type: 'string', minLength: 1 },
    /** Target image repository[:tag] (wins over registry). */
    image: { type: 'string', minLength: 1 },
    /** Target registry/namespace; the image becomes <registry>/<name>. */
    registry: { type: 'string', minLength: 1 },
    /** os/arch[/variant] list, e.g. [linux/amd64, linux/arm64]. */
    platforms: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', pattern: '^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$' },
    },
    /** Globs (relative to the function folder) of extra files to ship beside the bundle. */
    include: { type: 'array', items: { type: 'string', minLength: 1 } },
    /** Packages not to bundle: installed from the lockfile into a separate layer. */
    external: { type: 'array', uniqueItems: true, items: { type: 'string', minLength: 1 } },
    /** Plain HTTP to the registries (loopback is always allowed). */
    insecure: { type: 'boolean' },
    /** Add a V8 code cache of the fnkit runtime, made by the base's own node (default true). */
    codeCache: { type: 'boolean' },
  },
} as const;
