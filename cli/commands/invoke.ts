// fn invoke [dir|name]: call the function `fn run` started (or a URL, or a deployed function).
import type { Command } from 'commander';

interface InvokeFlags {
  url?: string; data?: string; file?: string; method?: string; path?: string; header: string[]; contentType?: string;
  cloudevent?: boolean; type?: string; source?: string; id?: string; mode?: string; verbose?: boolean; output?: string;
  namespace?: string; context?: string; extension: string[];
}

export function register(program: Command): void {
  program
    .command('invoke')
    .description('call a function over HTTP or as a CloudEvent and print the response body (or the reply event)')
    .argument('[target]', 'a function folder served by `fn run` (default .), or the name of a deployed function')
    .option('-u, --url <url>', 'call this URL instead of finding the function')
    .option('-d, --data <data>', 'request body (content type guessed: JSON if it parses, else text)')
    .option('-f, --file <file>', 'request body from a file, - for stdin (piped stdin is read when neither is given)')
    .option('-X, --method <method>', 'HTTP method (default GET without a body, POST with one or for a CloudEvent)')
    .option('-p, --path <path>', 'request path and query, for example /orders?id=1', '/')
    .option('-H, --header <k:v>', 'request header "Name: value" (repeatable)', collect, [])
    .option('-t, --content-type <type>', 'content type of the body (and datacontenttype of the event)')
    .option('--cloudevent', 'send the body as the data of a CloudEvent')
    .option('--type <type>', 'CloudEvent type', 'dev.fnkit.invoke')
    .option('--source <source>', 'CloudEvent source', '/fn/invoke')
    .option('--id <id>', 'CloudEvent id (default: a random UUID)')
    .option('-e, --extension <name=value>', 'CloudEvent extension attribute (repeatable), e.g. tenant=acme', collect, [])
    .option('--mode <mode>', 'CloudEvent HTTP mode: binary (ce- headers) or structured (one JSON document)', 'binary')
    .option('-n, --namespace <ns>', 'namespace of a deployed function')
    .option('--context <ctx>', 'kubeconfig context for a deployed function')
    .option('-v, --verbose', 'print the status line and response headers on stderr')
    .option('-o, --output <format>', 'human (the body) or json (one document: status, headers, body, event)')
    .addHelpText(
      'after',
      `
Examples:
  fn invoke                                   GET / on the function fn run serves in .
  fn invoke examples/json-echo -d '{"a":1}'   POST JSON
  fn invoke -p '/hello?name=Ada' -v           a path and query; status and headers on stderr
  echo hi | fn invoke -t text/plain           body from stdin
  fn invoke --cloudevent --type com.example.order -d '{"id":7}'
  fn invoke --cloudevent --mode structured -o json
  fn invoke --cloudevent --type com.example.t -e tenant=acme -e priority=1
  fn invoke --url http://127.0.0.1:9000 -X PUT --file body.bin
  fn invoke hello -n prod                     a deployed function by name

Exit code 3 when the function answers with a 4xx or 5xx status.`,
    )
    .action(async (target: string | undefined, flags: InvokeFlags, cmd: Command) => {
      const { invokeCommand } = await import('../../src/invoke/command.js');
      const explicit = (name: string) => cmd.getOptionValueSource(name) === 'cli';
      process.exitCode = await invokeCommand(target, {
        ...flags,
        // CloudEvent attribute flags only count with --cloudevent; their defaults live in one place
        type: explicit('type') ? flags.type : undefined,
        source: explicit('source') ? flags.source : undefined,
        mode: explicit('mode') ? flags.mode : undefined,
      }, { cwd: process.cwd(), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
