// fn test [dir]: run the function's unit tests (TypeScript included) with node's test runner.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('test')
    .description("run the function's *.test.ts / *.test.js files with node's test runner; exit code = test result")
    .argument('[dir]', 'function folder (holds fn.yaml)', '.')
    .option('--name <pattern>', 'run only tests whose name matches this regular expression')
    .addHelpText(
      'after',
      `
Examples:
  fn test                     every *.test.ts|js under . (node_modules skipped)
  fn test examples/hello-ts
  fn test --name greets       only tests whose name matches /greets/

Test files may import 'fnkit' and 'fnkit/testing' (the in-process test helper); they are bundled
with esbuild, so TypeScript needs no tsc step and failures point at the .ts lines.`,
    )
    .action(async (dir: string, flags: { name?: string }) => {
      const { loadFunction } = await import('../../src/config/fn-yaml.js');
      const { runFunctionTests } = await import('../../src/build/bundle-tests.js');
      const spec = await loadFunction(dir);
      const code = await runFunctionTests(spec, {
        nodeArgs: flags.name ? ['--test-name-pattern', flags.name] : [],
        stdout: process.stdout,
        stderr: process.stderr,
      });
      if (code !== 0) process.exitCode = code;
    });
}
