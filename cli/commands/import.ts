// fn import <path>: serverless.yml or SAM template.yaml -> one fnkit Lambda function per function.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('import')
    .description('turn a serverless.yml or SAM template.yaml into fnkit functions (runtime: lambda), one folder each; handler code copied unchanged')
    .argument('<path>', 'serverless.yml, template.yaml, or the folder that holds it')
    .option('--out <dir>', 'where the function folders go (default: <project>/fnkit)')
    .option('--dry-run', 'show what would be written, write nothing')
    .option('--force', 'overwrite function folders that already hold files')
    .option('--stage <stage>', 'value of ${opt:stage} / ${sls:stage} (default: provider.stage, else dev)')
    .option('-o, --output <format>', 'human, json or yaml')
    .addHelpText(
      'after',
      `
Examples:
  fn import .                              the serverless.yml or template.yaml here
  fn import api/serverless.yml --dry-run   print the plan only
  fn import template.yaml --out fns -o json

Each function gets <out>/<name>/ with a copy of the code folder and a new fn.yaml (handler,
timeout, env, lambda: awsRuntime, frontDoor, routes, memorySize). http / Api events map to the
rest-api front door, httpApi / HttpApi to http-api, url / FunctionUrlConfig to function-url.
What fnkit cannot map (authorizers, VPC, layers, IAM, schedule/SQS/S3 events...) is listed
under "not mapped" for each function. Functions in other languages are listed as skipped.
Exit code 1 when no function could be imported.`,
    )
    .action(async (path: string, flags: { out?: string; dryRun?: boolean; force?: boolean; stage?: string; output?: string }) => {
      const { importProject } = await import('../../src/import/index.js');
      const { renderImport } = await import('../../src/import/render.js');
      const { parseOutputFormat, printResult } = await import('../output.js');
      const format = parseOutputFormat(flags.output);
      const result = await importProject({
        path,
        out: flags.out,
        dryRun: flags.dryRun,
        force: flags.force,
        stage: flags.stage,
        env: { ...process.env },
        cwd: process.cwd(),
      });
      printResult(format, result, () => renderImport(result, process.cwd()));
      if (!result.functions.some((f) => f.status === 'imported')) {
        process.stderr.write('fn: no function could be imported (see the reasons above) [FN_ERR_IMPORT_NOTHING]\n');
        process.exitCode = 1;
      }
    });
}
