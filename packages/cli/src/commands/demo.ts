import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readScenario, replayScenario } from '@socle/runtime';
import { formatDemoReport } from '../demo-report.ts';

interface DemoOptions {
  journal?: string;
  scenario?: string;
  all: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Replay the bundled attack scenario (raw sshd, nginx, ufw and Windows logs) through the collector parsers, ' +
        'an in-process bus, the engine with the socle-baseline rules and an alert journal; print the alerts. ' +
        'Runs offline: no Kafka, no Elasticsearch, no network.',
    )
    .option('--journal <dir>', 'keep the alert journal in this folder (default: a new temporary folder)')
    .option('--scenario <dir>', 'replay another scenario folder (with a scenario.yml)')
    .option('--all', 'also list informational alerts (the building blocks of correlations)', false)
    .action(async (opts: DemoOptions) => {
      process.exitCode = await demo(opts);
    });
}

async function demo(opts: DemoOptions): Promise<number> {
  try {
    const { manifest } = await readScenario(opts.scenario);
    const journalDir = opts.journal ?? (await mkdtemp(join(tmpdir(), 'socle-demo-')));
    const result = await replayScenario({ scenarioDir: opts.scenario, journalDir });
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const lines = formatDemoReport(manifest, result, { journalDir, includeInformational: opts.all, color });
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } catch (err) {
    process.stderr.write(`socle demo: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
