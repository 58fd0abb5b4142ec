// Watches the folders that hold the bundle's source files (never node_modules) plus the function
// folder for fn.yaml, with one non-recursive fs.watch per folder: cheap, and immediate on Linux
// (inotify), where esbuild's own watch mode polls.
import { watch, type FSWatcher } from 'node:fs';
import { readdirSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export type ChangeKind = 'config' | 'source';

export interface FileWatcher {
  /** Replaces the watched set (after each build, the inputs may have changed); `folders` are watched as they are. */
  update(files: string[], folders?: string[]): void;
  close(): void;
}

const SKIP = new Set(['node_modules', '.fn', '.git']);
// editors' swap and temp files (.x.swp, x~, sedAbc12) must not trigger a reload
const SOURCE = /^[^.~][^/\\]*\.([mc]?[jt]sx?|json)$/;

export function watchFunction(dir: string, onChange: (kind: ChangeKind, file: string) => void, debounceMs = 10): FileWatcher {
  const watchers = new Map<string, FSWatcher>();
  let timer: NodeJS.Timeout | undefined;
  let pending: { kind: ChangeKind; file: string } | undefined;
  const fire = (kind: ChangeKind, file: string) => {
    // a config change outranks a source change in the same burst: it rebuilds everything
    if (!pending || kind === 'config') pending = { kind, file };
    clearTimeout(timer);
    timer = setTimeout(() => {
      const p = pending!;
      pending = undefined;
      onChange(p.kind, p.file);
    }, debounceMs);
  };
  const add = (folder: string) => {
    if (watchers.has(folder)) return;
    try {
      const w = watch(folder, (_event, name) => {
        if (!name) return;
        const file = join(folder, name.toString());
        if (folder === dir && name.toString() === 'fn.yaml') fire('config', file);
        else if (SOURCE.test(name.toString())) fire('source', file);
      });
      w.on('error', () => watchers.delete(folder));
      watchers.set(folder, w);
    } catch {
      // the folder vanished between build and watch: the next build sees it again
    }
  };
  return {
    update(files, folders = []) {
      const wanted = new Set<string>([dir, ...folders]);
      for (const f of files) {
        if (f.includes(`${sep}node_modules${sep}`) || !f.startsWith(dir + sep)) continue;
        wanted.add(dirname(f));
      }
      for (const [folder, w] of watchers) {
        if (!wanted.has(folder)) {
          w.close();
          watchers.delete(folder);
        }
      }
      for (const folder of wanted) add(folder);
    },
    close() {
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/** Every folder under dir except node_modules/.fn/.git (for Lambda code, which is not bundled). */
export function sourceFolders(dir: string, depth = 4): string[] {
  const out = [dir];
  if (depth === 0) return out;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.')) out.push(...sourceFolders(join(dir, e.name), depth - 1));
  }
  return out;
}
