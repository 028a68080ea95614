import { errorMessage } from '@socle/core';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Alert } from '@socle/core';
import { readScenario, replayScenario, startDemoConsole } from '@socle/runtime';
import { formatDemoReport } from '../demo-report.ts';

interface DemoOptions {
  journal?: string;
  scenario?: string;
  all: boolean;
  console: boolean;
  port: string;
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
    .option('--console', 'then serve the alerts in the analysts\' console on 127.0.0.1 and print its address and a token (Ctrl-C stops)', false)
    .option('--port <port>', 'the console\'s port with --console', '9280')
    .action(async (opts: DemoOptions) => {
      process.exitCode = await demo(opts);
    });
}

async function demo(opts: DemoOptions): Promise<number> {
  try {
    const { manifest } = await readScenario(opts.scenario);
    const journalDir = opts.journal ?? (await mkdtemp(join(tmpdir(), 'socle-demo-')));
    const result = await replayScenario({ scenarioDir: opts.scenario, journalDir, includeEvent: opts.console, attributeUnnamedAlerts: opts.console });
    const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
    const lines = formatDemoReport(manifest, result, { journalDir, includeInformational: opts.all, color });
    process.stdout.write(lines.join('\n') + '\n');
    if (opts.console) await serveConsole(journalDir, result.alerts, opts.port);
    return 0;
  } catch (err) {
    process.stderr.write(`socle demo: ${errorMessage(err)}\n`);
    return 2;
  }
}

/** Serves the demo's journal in the console until SIGINT or SIGTERM. */
async function serveConsole(journalDir: string, alerts: Alert[], portText: string): Promise<void> {
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: '${portText}' is not a port number`);
  const organizations = [...new Set(alerts.flatMap((a) => [(a.organization as { id?: unknown } | undefined)?.id].flat()).filter((o): o is string => typeof o === 'string'))].sort();
  const served = await startDemoConsole({ journalDir, organizations, port });
  process.stdout.write(`\nConsole: ${served.url}\nToken (layer 2, ${organizations.join(', ')}; valid 12 h, in memory only):\n  ${served.token}\nCtrl-C stops.\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}
