// fn create <name>: a ready function folder (handler, fn.yaml, package.json with a unit test).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('create')
    .description('create a function folder from a template: handler, fn.yaml, package.json, a unit test, .gitignore')
    .argument('<name>', 'function name, a DNS-1123 label (it becomes the Knative Service name)')
    .option('-t, --template <template>', 'http or cloudevent', 'http')
    .option('-l, --lang <lang>', 'ts or js', 'ts')
    .option('-r, --runtime <runtime>', 'node, or lambda for an AWS Lambda handler', 'node')
    .option('-d, --dir <dir>', 'target folder (default: ./<name>); must be empty or absent')
    .option('-o, --output <format>', 'human or json')
    .addHelpText(
      'after',
      `
Examples:
  fn create hello                          TypeScript HTTP function in ./hello
  fn create orders -t cloudevent           a CloudEvent handler
  fn create greet --lang js --dir fns/greet
  fn create legacy --runtime lambda        an AWS Lambda handler (where a lambda template exists)

Then: cd <name> && npm test && fn run`,
    )
    .action(async (name: string, flags: { template: string; lang: string; runtime: string; dir?: string; output?: string }) => {
      const { join } = await import('node:path');
      const { createFunction } = await import('../../src/create/create.js');
      const { fnkitPaths } = await import('../../src/build/bundle-paths.js');
      const { parseOutputFormat, printResult } = await import('../output.js');
      const format = parseOutputFormat(flags.output);
      const result = await createFunction({
        name,
        template: flags.template,
        lang: flags.lang,
        runtime: flags.runtime,
        dir: flags.dir,
        cwd: process.cwd(),
        templatesDir: join(fnkitPaths().root, 'src', 'create', 'templates'),
      });
      printResult(format, { name, ...result }, () =>
        [
          `created function "${name}" in ${result.dir} (template ${result.template})`,
          ...result.files.map((f) => `  ${f}`),
          '',
          'next:',
          `  cd ${result.dir}`,
          '  npm test        run the unit test',
          '  fn run          serve it on http://127.0.0.1:8080',
          '  fn invoke       call it',
        ].join('\n'),
      );
    });
}
