// Words for `fn build`'s progress and summary (stderr). Pure: the CLI prints them.
import type { FunctionSpec } from '../config/types.js';
import { formatReference } from '../registry/reference.js';
import { targetReference } from './builder.js';
import type { BuildResult } from './index.js';

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function describeStep(step: string, d: Record<string, unknown> = {}): string | undefined {
  switch (step) {
    case 'resolve base': return `resolving base ${d.base}`;
    case 'resolved base': return `base ${d.base} -> ${d.digest} (${(d.platforms as string[]).join(', ')})`;
    case 'bundle': return `bundling (${d.runtime} runtime, production)`;
    case 'dependencies': return `installing dependencies for ${d.platform}: ${Array.isArray(d.packages) ? (d.packages as string[]).join(', ') : 'all production dependencies'}`;
    case 'code cache': return `making the V8 code cache for ${d.platform} with the base image's node`;
    case 'code cache made': return `  code cache for ${d.platform}: node ${d.node}, ${formatSize(Number(d.size))}`;
    case 'code cache skipped': return `  no code cache for ${d.platform}: ${d.reason} (the image works; its cold start compiles the runtime)`;
    case 'assemble': return 'assembling image';
    case 'layout': return `writing OCI layout ${d.dir}`;
    case 'tar': return `writing tar ${d.file}`;
    case 'push': return `pushing ${d.image}`;
    case 'download': return `  downloaded ${String(d.digest).slice(0, 19)} (${formatSize(Number(d.size))})`;
    case 'upload': return `  uploaded ${String(d.digest).slice(0, 19)} (${formatSize(Number(d.size))})`;
    case 'pushed': return `pushed ${d.reference} (${d.uploaded} blob(s) uploaded, ${d.mounted ? `${d.mounted} mounted from the base, ` : ''}${d.skipped} already there)`;
    default: return undefined;
  }
}

/** What deploy and scripts want on stdout: repo@digest when the image has a name, else the digest. */
export function pinnedReference(spec: FunctionSpec, image: string | undefined, r: BuildResult): string {
  if (r.reference) return r.reference;
  const target = targetReference(spec, { image });
  return target ? formatReference({ registry: target.registry, repository: target.repository, digest: r.digest }) : r.digest;
}

export function summary(spec: FunctionSpec, r: BuildResult, outputs: { push?: boolean; layout?: string; tar?: string }): string {
  const lines = [`built ${spec.name} (${r.platforms.join(', ')}) in ${r.durationMs} ms: ${r.digest}`];
  for (const l of r.layers) lines.push(`  layer ${l.digest.slice(7, 19)}  ${formatSize(l.size).padStart(10)}  ${l.description}`);
  if (r.base && !r.base.reference.includes('@')) {
    // a tag moves when upstream rebuilds it, and the next build then gets a new digest
    lines.push(`  base ${r.base.reference} is a tag; to pin it, set build.base: ${r.base.reference.replace(/:[^:/]+$/, '')}@${r.base.digest}`);
  }
  if (!outputs.push && !outputs.layout && !outputs.tar) lines.push('  nothing written: add --push, --layout <dir> or --tar <file>');
  return lines.join('\n');
}
