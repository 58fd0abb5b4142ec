// fn run [dir]: bundle the function and serve it on the host (or in a container), --watch reloads on save.
import type { Command } from 'commander';

interface RunFlags { port?: string; watch?: boolean; container?: boolean; env: string[] }

export function register(program: Command): void {
  program
    .command('run')
    .description('bundle the function and serve it locally; prints its URL, Ctrl-C stops it')
    .argument('[dir]', 'function folder (holds fn.yaml)', '.')
    .option('-p, --port <port>', 'port on 127.0.0.1 (default 8080, or a free port when 8080 is taken; 0 = any free port)')
    .option('-w, --watch', 'rebuild and restart on every save; a broken save keeps the last good build serving')
    .option('--container', 'build the image and run it in a container (podman or docker) instead of on the host')
    .option('-e, --env <K=V>', 'environment variable for the function, over fn.yaml env (repeatable)', collect, [])
    .addHelpText(
      'after',
      `
Examples:
  fn run                       serve ./ on http://127.0.0.1:8080
  fn run examples/hello-ts -w  serve and reload on save
  fn run --port 0 -e GREETING=hi
  fn run --container           the built image, as Knative would run it

The URL is printed on stdout; logs go to stderr. fn invoke finds the running function through
<dir>/.fn/run.json, which fn run removes when it stops.`,
    )
    .action(async (dir: string, flags: RunFlags, cmd: Command) => {
      const { parseRunFlags } = await import('../../src/run/host.js');
      const { FnkitError } = await import('../../src/errors.js');
      const { port, env } = parseRunFlags(flags);
      const signal = runSignal(cmd);
      if (flags.container) {
        if (flags.watch) {
          throw new FnkitError('FN_ERR_FLAGS', '--watch and --container cannot be combined: --watch reloads a host process', {
            hint: 'drop one of them', data: { exitCode: 2 },
          });
        }
        const { loadFunction } = await import('../../src/config/fn-yaml.js');
        const { runContainer } = await import('../../src/run/container.js');
        const spec = await loadFunction(dir);
        await runContainer(spec, { port: port ?? 8080, env, signal, log: (l) => process.stderr.write(l + '\n') });
        return;
      }
      const { runFunction } = await import('../../src/run/host.js');
      await runFunction({
        dir,
        port,
        watch: Boolean(flags.watch),
        env,
        signal,
        log: (line) => process.stderr.write(line + '\n'),
        output: process.stderr,
        onReady: ({ url, name }) => {
          process.stdout.write(url + '\n');
          process.stderr.write(`function "${name}" is serving at ${url}  (Ctrl-C stops it)\n`);
        },
      });
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Ctrl-C and SIGTERM stop the run: the invoker child drains, the run-state file goes. */
function runSignal(_cmd: Command): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}
