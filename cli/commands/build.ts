// fn build [dir]: bundle + layers + base image -> an OCI image, pushed to a registry, written as
// an OCI layout folder or a loadable tar. The digest-pinned reference goes to stdout.
import type { Command } from 'commander';

interface BuildFlags { image?: string; push?: boolean; layout?: string; tar?: string; platform: string[]; insecure?: boolean; output?: string }

export function register(program: Command): void {
  program
    .command('build')
    .description('build the function into an OCI image without Docker; prints the digest-pinned reference')
    .argument('[dir]', 'function folder (holds fn.yaml)', '.')
    .option('-i, --image <ref>', 'target repository[:tag] (default: fn.yaml build.image, or build.registry/<name>)')
    .option('--push', 'push the image to its registry')
    .option('--layout <dir>', 'write an OCI image layout folder')
    .option('--tar <file>', 'write a tar that podman load and docker load accept')
    .option('--platform <os/arch>', 'target platform, repeatable or comma-separated (default: linux/amd64,linux/arm64 for a multi-platform base)', collect, [])
    .option('--insecure', 'allow plain HTTP / unverified TLS registries (loopback is always allowed)')
    .option('-o, --output <format>', 'human, json or yaml')
    .addHelpText(
      'after',
      `
Examples:
  fn build --push                          push to fn.yaml build.registry/<name>
  fn build --image 127.0.0.1:5000/hello --push --platform linux/amd64
  fn build --tar hello.tar && podman load -i hello.tar
  fn build --layout ./oci -o json

Without --push, --layout or --tar the image is built and its digest printed, nothing written.
Same sources, same digest: set SOURCE_DATE_EPOCH to stamp a date instead of 1970-01-01.`,
    )
    .action(async (dir: string, flags: BuildFlags) => {
      const { parseOutputFormat, printResult, progress } = await import('../output.js');
      const format = parseOutputFormat(flags.output);
      const { loadFunction } = await import('../../src/config/fn-yaml.js');
      const { buildFunction } = await import('../../src/build/index.js');
      const { describeStep, summary, pinnedReference } = await import('../../src/build/report.js');
      const spec = await loadFunction(dir);
      const platforms = flags.platform.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean);
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const result = await buildFunction(spec, {
          image: flags.image,
          push: flags.push,
          layout: flags.layout,
          tar: flags.tar,
          insecure: flags.insecure,
          platforms: platforms.length ? platforms : undefined,
          signal: controller.signal,
          onProgress: (step, detail) => {
            const line = describeStep(step, detail);
            if (line) progress(format, line);
          },
        });
        const reference = pinnedReference(spec, flags.image, result);
        if (format === 'human') process.stderr.write(summary(spec, result, { push: flags.push, layout: flags.layout, tar: flags.tar }) + '\n');
        printResult(format, { ...result, reference }, () => reference);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
