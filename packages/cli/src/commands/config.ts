import type { Command } from 'commander';
import { stringify } from 'yaml';
import { loadServiceConfig, maskSecrets } from '@socle/runtime';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Service configuration files');
  config
    .command('check <file>')
    .description('Validate a `socle serve` configuration (with the SOCLE_* environment overrides) and print the effective configuration, secrets masked')
    .action(async (file: string) => {
      try {
        const { config: effective, overrides } = await loadServiceConfig(file);
        if (overrides.length) process.stderr.write(`# environment overrides: ${overrides.join(', ')}\n`);
        process.stdout.write(stringify(maskSecrets(effective)));
        process.stderr.write(`${file}: valid\n`);
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
      }
    });
}
