// The request body from --file (a path, or "-" for stdin) or from piped stdin.
import { readFile } from 'node:fs/promises';
import { fstatSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { FnkitError } from '../errors.js';

export async function readBodyFile(path: string, cwd: string, stdin: NodeJS.ReadableStream): Promise<{ bytes: Buffer; name: string }> {
  if (path === '-') return { bytes: await readAll(stdin), name: 'stdin' };
  const abs = resolve(cwd, path);
  try {
    return { bytes: await readFile(abs), name: basename(abs) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FnkitError('FN_ERR_BAD_DATA_FILE', `cannot read --file ${abs}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code ?? (err as Error).message}`, {
      hint: 'pass the path of a readable file, or - to read stdin',
      data: { file: abs },
    });
  }
}

/**
 * Stdin counts as a body only when it is a pipe or a redirected file: a terminal or /dev/null
 * (what scripts and test runners usually hand down) never makes fn invoke wait.
 */
export function stdinHasBody(fd = 0): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || (st.isFile() && st.size > 0);
  } catch {
    return false;
  }
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}
