import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { alertFields } from '../../alerts/alert-fields.ts';
import { readScenario } from '../../scenario/scenario-manifest.ts';
import { replayScenario } from '../../scenario/replay-scenario.ts';
import { formatAlertTable, severityBreakdown } from '../alert-table.ts';

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
  const out = (s = '') => process.stdout.write(s + '\n');
  const { manifest } = await readScenario(opts.scenario);
  const journalDir = opts.journal ?? (await mkdtemp(join(tmpdir(), 'socle-demo-')));
  out(`Socle demo: ${manifest.name}${manifest.description ? ` - ${manifest.description}` : ''}`);
  out(`Replaying ${manifest.files.map((f) => f.file).join(', ')} (${manifest.receivedAt.slice(0, 10)}): collector parsers -> bus -> engine -> alert journal`);
  out();

  const result = await replayScenario({ scenarioDir: opts.scenario, journalDir });
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  for (const line of formatAlertTable(result.alerts, { includeInformational: opts.all, maxRows: 45, color })) out(line);

  const informational = result.alerts.filter((a) => alertFields(a).level === 'informational').length;
  const notable = result.alerts.length - informational;
  out();
  out(
    `${result.events} events (${result.rejectedRecords.length} unparsed), ${result.alerts.length} alerts: ` +
      `${notable > 0 ? severityBreakdown(result.alerts.filter((a) => alertFields(a).level !== 'informational')) : 'none notable'}` +
      `${informational > 0 ? `, informational ${informational}${opts.all ? '' : ' (not listed; --all)'}` : ''}` +
      `; ${result.rulesLoaded} rules${result.rulesRejected.length ? ` (${result.rulesRejected.length} not loaded)` : ''}` +
      `; ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
  for (const r of result.rejectedRecords.slice(0, 3)) out(`  unparsed: ${r}`);
  out(`Alert journal: ${journalDir}`);
  out(`  socle alerts search --journal ${journalDir} --severity critical,high`);
  return 0;
}
