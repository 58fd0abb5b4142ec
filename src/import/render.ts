// The human summary of an import: per function, where it went, its front door and routes, and
// every "not mapped" entry, so nothing is dropped silently.
import { relative } from 'node:path';
import type { ImportResult } from './types.js';

export function renderImport(r: ImportResult, cwd: string): string {
  const rel = (p: string) => relative(cwd, p) || '.';
  const imported = r.functions.filter((f) => f.status === 'imported');
  const lines = [
    `${r.dryRun ? 'would import' : 'imported'} ${imported.length} of ${r.functions.length} function(s) from ${rel(r.source)} (${r.format === 'sam' ? 'AWS SAM' : 'Serverless Framework'}) into ${rel(r.out)}`,
  ];
  for (const f of r.functions) {
    lines.push('');
    if (f.status === 'skipped') {
      lines.push(`✗ ${f.source}: skipped: ${f.reason}`);
    } else {
      lines.push(`✓ ${f.source} -> ${rel(f.dir!)}  handler ${f.handler}  ${f.awsRuntime}  ${f.frontDoor}${f.routes.length ? `  ${f.routes.join(', ')}` : ''}`);
      lines.push(`    timeout ${f.timeout}s, memory ${f.memorySize} MB${Object.keys(f.env).length ? `, env ${Object.keys(f.env).join(' ')}` : ''}`);
    }
    if (f.notMapped.length) {
      lines.push('    not mapped:');
      for (const n of f.notMapped) lines.push(`      - ${n.key}${n.value ? ` (${n.value})` : ''}: ${n.reason}`);
    }
  }
  if (r.notMapped.length) {
    lines.push('', 'project, not mapped:');
    for (const n of r.notMapped) lines.push(`  - ${n.key}${n.value ? ` (${n.value})` : ''}: ${n.reason}`);
  }
  if (imported.length && !r.dryRun) lines.push('', `next: cd ${rel(imported[0]!.dir!)} && fn run`);
  return lines.join('\n');
}
