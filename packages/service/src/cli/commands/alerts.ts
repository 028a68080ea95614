import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { AlertJournal } from '../../alerts/alert-journal.ts';
import { alertQueryFromParams } from '../../alerts/alert-query-params.ts';
import { JournalAlertStore } from '../../alerts/journal-alert-store.ts';
import { formatAlertTable } from '../alert-table.ts';

interface SearchOptions {
  journal: string;
  from?: string;
  to?: string;
  severity?: string;
  rule?: string;
  host?: string;
  user?: string;
  q?: string;
  cursor?: string;
  size?: string;
  json: boolean;
}

interface CountOptions {
  journal: string;
  by: string;
  json: boolean;
}

export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('Query an alert journal written by `socle run` or `socle demo`');
  alerts
    .command('search')
    .description('Alerts matching every filter; pages run from the newest alerts to the oldest, each printed in time order')
    .requiredOption('--journal <dir>', 'alert journal folder')
    .option('--from <time>', 'at or after this time (ISO 8601 or epoch ms)')
    .option('--to <time>', 'before this time')
    .option('--severity <levels>', 'comma-separated: informational, low, medium, high, critical')
    .option('--rule <ids>', 'comma-separated rule ids')
    .option('--host <name>', 'host.name')
    .option('--user <name>', 'user.name')
    .option('-q, --q <text>', 'free text in rule, host, user, source address, correlation group')
    .option('--cursor <cursor>', 'next page, as printed by the previous search')
    .option('--size <n>', 'page size', '50')
    .option('--json', 'print the page as JSON ({alerts, total, nextCursor})', false)
    .action(async (opts: SearchOptions) => {
      process.exitCode = await search(opts);
    });
  alerts
    .command('counts')
    .description('Alert counts by rule or severity')
    .requiredOption('--journal <dir>', 'alert journal folder')
    .option('--by <key>', 'rule or severity', 'rule')
    .option('--json', 'print JSON', false)
    .action(async (opts: CountOptions) => {
      process.exitCode = await counts(opts);
    });
}

async function openStore(dir: string): Promise<{ journal: AlertJournal; store: JournalAlertStore }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`--journal ${dir}: no such folder`);
  const journal = await AlertJournal.open(dir);
  for (const w of journal.warnings) process.stderr.write(`socle alerts: ${w}\n`);
  return { journal, store: new JournalAlertStore(journal) };
}

async function search(opts: SearchOptions): Promise<number> {
  try {
    const query = alertQueryFromParams(opts);
    const { journal, store } = await openStore(opts.journal);
    try {
      const page = await store.search(query);
      if (opts.json) {
        process.stdout.write(JSON.stringify(page) + '\n');
        return 0;
      }
      const lines = formatAlertTable([...page.alerts].reverse(), { includeInformational: true, fold: false, color: process.stdout.isTTY && !process.env.NO_COLOR });
      process.stdout.write(lines.join('\n') + '\n');
      process.stdout.write(`${page.alerts.length} of ${page.total} alerts${page.nextCursor ? `; next page: --cursor ${page.nextCursor}` : ''}\n`);
      return 0;
    } finally {
      await journal.close();
    }
  } catch (err) {
    process.stderr.write(`socle alerts search: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

async function counts(opts: CountOptions): Promise<number> {
  try {
    if (opts.by !== 'rule' && opts.by !== 'severity') throw new Error(`--by ${opts.by}: use rule or severity`);
    const { journal, store } = await openStore(opts.journal);
    try {
      const result = await store.aggregate(opts.by);
      if (opts.json) process.stdout.write(JSON.stringify({ by: opts.by, counts: result }) + '\n');
      else for (const c of result) process.stdout.write(`${String(c.count).padStart(6)}  ${c.key}\n`);
      return 0;
    } finally {
      await journal.close();
    }
  } catch (err) {
    process.stderr.write(`socle alerts counts: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
