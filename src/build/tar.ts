// A deterministic tar writer for image layers. Reproducibility (issue 4, style.md §4 ko) needs
// full control of every header byte: sorted entries, one mtime, uid/gid 0, no user or group
// names, fixed modes. Format: POSIX ustar (IEEE Std 1003.1-2001 "pax" interchange format), with
// a pax extended header only for paths that do not fit the 100+155 byte ustar fields.
import { FnkitError } from '../errors.js';

export type TarEntryType = 'file' | 'dir' | 'symlink';

export interface TarEntry {
  /** Relative POSIX path without a leading '/', e.g. 'app/main.mjs'. */
  path: string;
  type: TarEntryType;
  /** Permission bits; default 0o644 for files, 0o755 for dirs and symlinks. */
  mode?: number;
  data?: Buffer;
  linkname?: string;
}

const BLOCK = 512;

/** Normalises and checks a layer path: relative, '/'-separated, no '..' escapes. */
export function normalizeTarPath(path: string): string {
  const p = path.replace(/\\/g, '/').replace(/^\.?\/+/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
  if (p === '' || p.split('/').some((s) => s === '..' || s === '.')) {
    throw new FnkitError('FN_ERR_LAYER_PATH', `cannot put "${path}" in an image layer: the path must be relative and stay inside the image root`, {
      data: { path },
    });
  }
  return p;
}

/**
 * Returns the tar bytes. Entries are sorted by path (bytewise), parent directories are added
 * (mode 0755) when missing, and a duplicate path is an error rather than a silent overwrite.
 */
export function writeTar(entries: TarEntry[], mtime: number): Buffer {
  const byPath = new Map<string, TarEntry>();
  for (const e of entries) {
    const path = normalizeTarPath(e.path);
    if (byPath.has(path)) {
      throw new FnkitError('FN_ERR_LAYER_PATH', `two files map to the same image path "${path}"`, { data: { path } });
    }
    byPath.set(path, { ...e, path });
  }
  for (const path of [...byPath.keys()]) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const existing = byPath.get(dir);
      if (!existing) byPath.set(dir, { path: dir, type: 'dir' });
      else if (existing.type !== 'dir') {
        throw new FnkitError('FN_ERR_LAYER_PATH', `"${dir}" is both a file and the folder of "${path}" in the layer`, { data: { path: dir } });
      }
    }
  }
  const sorted = [...byPath.values()].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const chunks: Buffer[] = [];
  for (const e of sorted) {
    const name = e.type === 'dir' ? e.path + '/' : e.path;
    const data = e.type === 'file' ? e.data ?? Buffer.alloc(0) : Buffer.alloc(0);
    const mode = e.mode ?? (e.type === 'file' ? 0o644 : 0o755);
    const split = splitName(name);
    const linkname = e.linkname ?? '';
    if (!split || Buffer.byteLength(linkname) > 100) {
      const records: Record<string, string> = {};
      if (!split) records.path = name;
      if (Buffer.byteLength(linkname) > 100) records.linkpath = linkname;
      const pax = paxRecords(records);
      chunks.push(header({ name: 'PaxHeaders/' + shortName(name), prefix: '', mode: 0o644, size: pax.length, mtime, type: 'x', linkname: '' }));
      chunks.push(pad(pax));
    }
    const { name: n, prefix } = split ?? { name: shortName(name), prefix: '' };
    chunks.push(header({ name: n, prefix, mode, size: data.length, mtime, type: typeFlag(e.type), linkname: linkname.slice(0, 100) }));
    if (data.length) chunks.push(pad(data));
  }
  chunks.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(chunks);
}

function typeFlag(t: TarEntryType): string {
  return t === 'file' ? '0' : t === 'dir' ? '5' : '2';
}

/** ustar splits a long name at a '/' into prefix (155) + name (100). */
function splitName(name: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return { name: rest, prefix };
  }
  return undefined;
}

function shortName(name: string): string {
  let s = name;
  while (Buffer.byteLength(s) > 100) s = s.slice(1);
  return s;
}

/** pax records are "<len> key=value\n" where len counts the whole record, itself included. */
function paxRecords(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    out += `${len}${body}`;
  }
  return Buffer.from(out);
}

interface Header { name: string; prefix: string; mode: number; size: number; mtime: number; type: string; linkname: string }

function header(h: Header): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(h.name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, 0); // uid
  octal(b, 116, 8, 0); // gid
  octal(b, 124, 12, h.size);
  octal(b, 136, 12, h.mtime);
  b.write('        ', 148, 8, 'ascii'); // checksum is computed with this field as spaces
  b.write(h.type, 156, 1, 'ascii');
  b.write(h.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 8, 'binary');
  // uname/gname (265, 297) stay empty: no host user names in the image
  octal(b, 329, 8, 0);
  octal(b, 337, 8, 0);
  b.write(h.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'binary');
  return b;
}

function octal(b: Buffer, offset: number, width: number, value: number): void {
  const s = value.toString(8);
  if (s.length > width - 1) throw new FnkitError('FN_ERR_LAYER_TOO_LARGE', `a value (${value}) does not fit the tar header`, { data: { value } });
  b.write(s.padStart(width - 1, '0') + '\u0000', offset, width, 'ascii');
}

function pad(data: Buffer): Buffer {
  const rem = data.length % BLOCK;
  return rem === 0 ? data : Buffer.concat([data, Buffer.alloc(BLOCK - rem)]);
}
