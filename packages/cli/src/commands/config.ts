import { readFile } from 'node:fs/promises';
import { errorMessage } from '@socle/core';
import type { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { loadRunConfig, loadServiceConfig, maskSecrets } from '@socle/runtime';

/** Which command a configuration file is for: `socle serve` names Kafka and Elasticsearch, `socle run` its inputs. */
export async function configKind(file: string): Promise<'run' | 'serve'> {
  let doc: unknown;
  try {
    doc = parse(await readFile(file, 'utf8'));
  } catch {
    return 'serve'; // the loader reports the unreadable or unparsable file with its position
  }
  const keys = doc && typeof doc === 'object' && !Array.isArray(doc) ? Object.keys(doc) : [];
  if (keys.includes('kafka') || keys.includes('elasticsearch')) return 'serve';
  if (keys.includes('dataDir') || keys.includes('inputs')) return 'run';
  throw new Error(`${file}: neither a \`socle run\` configuration (dataDir, inputs) nor a \`socle serve\` one (kafka, elasticsearch)`);
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Service configuration files');
  config
    .command('check <file>')
    .description(
      'Validate a `socle run` or `socle serve` configuration (told apart by its keys; serve with the SOCLE_* environment overrides) ' +
        'and print the effective configuration, secrets masked',
    )
    .action(async (file: string) => {
      try {
        const kind = await configKind(file);
        if (kind === 'run') {
          process.stdout.write(stringify(await loadRunConfig(file))); // a run configuration holds no secret (keys are files)
          process.stderr.write(`${file}: valid socle run configuration\n`);
          return;
        }
        const { config: effective, overrides } = await loadServiceConfig(file);
        if (overrides.length) process.stderr.write(`# environment overrides: ${overrides.join(', ')}\n`);
        process.stdout.write(stringify(maskSecrets(effective)));
        process.stderr.write(`${file}: valid\n`);
      } catch (err) {
        process.stderr.write(`${errorMessage(err)}\n`);
        process.exitCode = 2;
      }
    });
}
