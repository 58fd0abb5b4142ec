// The `fn invoke` flow between flags and output: resolve the target, build the request, send it,
// print the body (human), or one JSON document (-o json); exit code 3 on a 4xx/5xx answer.
import { STATUS_CODES } from 'node:http';
import { FnkitError } from '../errors.js';
import { buildRequest, type InvokeInput } from './request.js';
import { jsonDocument, replyEvent } from './response.js';
import { resolveTarget, joinUrl } from './target.js';
import { send } from './send.js';
import { readAll, readBodyFile, stdinHasBody } from './body-input.js';

export interface InvokeFlags {
  url?: string; data?: string; file?: string; method?: string; path?: string; header?: string[]; contentType?: string;
  cloudevent?: boolean; type?: string; source?: string; id?: string; mode?: string; verbose?: boolean; output?: string;
  namespace?: string; context?: string; extension?: string[];
}

export interface InvokeIO {
  cwd: string;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  signal?: AbortSignal;
  /** Overridable for tests: whether stdin carries a body. */
  stdinHasBody?: () => boolean;
}

export const EXIT_HTTP_ERROR = 3;

/** Returns the exit code. */
export async function invokeCommand(arg: string | undefined, flags: InvokeFlags, io: InvokeIO): Promise<number> {
  const format = flags.output ?? 'human';
  if (format !== 'human' && format !== 'json') {
    throw new FnkitError('FN_ERR_BAD_OUTPUT', `unknown output format "${format}"`, { hint: 'use human or json', data: { exitCode: 2 } });
  }
  if (!flags.cloudevent && (flags.type !== undefined || flags.source !== undefined || flags.id !== undefined || flags.mode !== undefined || (flags.extension ?? []).length > 0)) {
    throw new FnkitError('FN_ERR_FLAGS', '--type, --source, --id, --mode and --extension describe a CloudEvent: add --cloudevent', {
      hint: 'for example: fn invoke --cloudevent --type com.example.order -d \'{"id":1}\'', data: { exitCode: 2 },
    });
  }
  const input: InvokeInput = {
    data: flags.data,
    method: flags.method,
    path: flags.path,
    headers: flags.header,
    contentType: flags.contentType,
    cloudevent: flags.cloudevent ? { type: flags.type, source: flags.source, id: flags.id, mode: flags.mode, extensions: parseExtensions(flags.extension ?? []) } : undefined,
  };
  if (flags.file !== undefined) {
    if (flags.data !== undefined) {
      throw new FnkitError('FN_ERR_FLAGS', '--data and --file cannot be combined', { hint: 'pass the body one way', data: { exitCode: 2 } });
    }
    input.file = await readBodyFile(flags.file, io.cwd, io.stdin);
  } else if (flags.data === undefined && (io.stdinHasBody ?? stdinHasBody)()) {
    input.file = { bytes: await readAll(io.stdin), name: 'stdin' };
    // piped text is most often JSON or text; the file-name guess would say octet-stream
    input.contentType ??= guessFromBytes(input.file.bytes);
  }
  const request = buildRequest(input);
  const target = await resolveTarget({ arg, url: flags.url, namespace: flags.namespace, context: flags.context, cwd: io.cwd, signal: io.signal });
  const url = joinUrl(target.url, request.path);
  const human = format === 'human';
  let streamed = false;
  // `fn invoke | head -3` on a stream: the reader going away ends the process quietly (cli/run.ts
  // handles EPIPE for every command), which closes the request too.
  const res = await send(url, request, {
    signal: io.signal,
    onHead: (status, headers) => {
      if (flags.verbose) {
        io.stderr.write(`${request.method} ${url}\n< ${status} ${STATUS_CODES[status] ?? ''}\n`.replace(/ \n$/, '\n'));
        for (const [k, v] of Object.entries(headers)) io.stderr.write(`< ${k}: ${v}\n`);
      }
      // a plain response streams to stdout as it arrives; a reply event is printed whole
      streamed = human && !headers['ce-specversion'] && !/^application\/cloudevents/i.test(headers['content-type'] ?? '');
    },
    onChunk: (chunk) => {
      if (streamed) io.stdout.write(chunk);
    },
  });
  if (!human) {
    io.stdout.write(JSON.stringify(jsonDocument(res, url, request.event), null, 2) + '\n');
  } else if (!streamed) {
    const event = replyEvent(res);
    io.stdout.write(event ? JSON.stringify(event, null, 2) + '\n' : res.body);
  } else if (res.body.length > 0 && res.body[res.body.length - 1] !== 0x0a && isTty(io.stdout)) {
    io.stdout.write('\n');
  }
  if (res.status >= 400) {
    io.stderr.write(`fn: the function answered ${res.status}\n`);
    return EXIT_HTTP_ERROR;
  }
  return 0;
}

function isTty(s: NodeJS.WritableStream): boolean {
  return Boolean((s as { isTTY?: boolean }).isTTY);
}

function guessFromBytes(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  try {
    JSON.parse(text);
    return 'application/json';
  } catch {
    return text.includes('\uFFFD') ? 'application/octet-stream' : 'text/plain';
  }
}

/** --extension name=value pairs (names are checked when the event is built). */
export function parseExtensions(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new FnkitError('FN_ERR_BAD_EVENT', `invalid --extension "${pair}": expected name=value`, { hint: 'for example --extension tenant=acme', data: { exitCode: 2 } });
    }
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
