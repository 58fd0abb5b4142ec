// Source-mapped stack traces without `node --enable-source-maps`. That flag makes Node read and
// parse every bundle's source map while the module loads (up to ~25 ms of a ~150 ms cold start,
// see docs/invoker.md "Benchmark"); production needs the maps only when an error is formatted,
// which most processes never do. So the image runs plain `node` and the invoker installs a
// V8 `Error.prepareStackTrace` hook (https://v8.dev/docs/stack-trace-api) that, the first time a
// frame of a given file is formatted, reads `<file>.map` (esbuild's linked map sits beside the
// file) and maps the frame with Node's own `module.SourceMap` (Source Map v3 decoder).
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

type CallSite = NodeJS.CallSite;
type Prepare = (err: Error, frames: CallSite[]) => unknown;

/**
 * Installs the lazy hook unless Node already maps stacks (`--enable-source-maps`, `fn run`).
 * Node 20 presets `Error.prepareStackTrace` with its own default formatter, so a set hook does not
 * mean someone else owns it; ours formats every frame the same way V8 does. Returns whether it
 * was installed.
 */
export function installLazySourceMaps(readMap: (file: string) => string | undefined = readMapFile): boolean {
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) return false;
  Error.prepareStackTrace = lazySourceMapPrepare(readMap);
  return true;
}

/** The hook itself; its cache lives in this closure (one per installation, no module state). */
export function lazySourceMapPrepare(readMap: (file: string) => string | undefined = readMapFile): Prepare {
  const maps = new Map<string, { map: SourceMap; url: string } | null>();
  const mapOf = (fileName: string) => {
    let hit = maps.get(fileName);
    if (hit === undefined) {
      hit = null;
      try {
        const path = fileName.startsWith('file:') ? fileURLToPath(fileName) : fileName;
        const text = path.startsWith('/') && !path.includes('node_modules') ? readMap(`${path}.map`) : undefined;
        if (text !== undefined) hit = { map: new SourceMap(JSON.parse(text)), url: pathToFileURL(`${path}.map`).href };
      } catch { /* no usable map: keep the generated position */ }
      maps.set(fileName, hit);
    }
    return hit;
  };
  return (err, frames) => {
    // the header V8 would print: Error.prototype.toString semantics
    let header: string;
    try { header = Error.prototype.toString.call(err); } catch { header = '<error>'; }
    return header + frames.map((f) => `\n    at ${formatFrame(f, mapOf)}`).join('');
  };
}

function formatFrame(frame: CallSite, mapOf: (file: string) => { map: SourceMap; url: string } | null): string {
  const file = frame.getFileName() ?? (frame as { getScriptNameOrSourceURL?: () => string }).getScriptNameOrSourceURL?.();
  const line = frame.getLineNumber();
  const col = frame.getColumnNumber();
  const fallback = String(frame);
  if (!file || line === null || col === null) return fallback;
  const hit = mapOf(file);
  if (!hit) return fallback;
  // CallSite positions are 1-based, source map entries 0-based (Source Map v3, "mappings")
  const entry = hit.map.findEntry(line - 1, col - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number; name?: string };
  if (!entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return fallback;
  let source = entry.originalSource;
  try { source = fileURLToPath(new URL(source, hit.url)); } catch { /* keep as written in the map */ }
  const where = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  // the map's `name` at this position is the callee's, not the frame's function; keep V8's
  const name = frame.getFunctionName() ?? (frame.getMethodName() ? `${frame.getTypeName() ?? '<anonymous>'}.${frame.getMethodName()}` : null);
  const prefix = `${frame.isAsync() ? 'async ' : ''}${frame.isConstructor() ? 'new ' : ''}`;
  return name ? `${prefix}${name} (${where})` : `${prefix}${where}`;
}

function readMapFile(file: string): string | undefined {
  try { return readFileSync(file, 'utf8'); } catch { return undefined; }
}
