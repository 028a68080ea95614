import { alertFields } from '@socle/api';
import type { ReplayResult, ScenarioManifest } from '@socle/runtime';
import { formatAlertTable, severityBreakdown } from './alert-table.ts';

export interface DemoReportOptions {
  journalDir: string;
  includeInformational?: boolean;
  color?: boolean;
}

/** What `socle demo` prints: a header, the alert table and a one-line summary; about 30 lines for the bundled scenario. */
export function formatDemoReport(manifest: ScenarioManifest, result: ReplayResult, options: DemoReportOptions): string[] {
  const lines: string[] = [];
  lines.push(`Socle demo: ${manifest.name}${manifest.description ? ` - ${manifest.description}` : ''}`);
  lines.push(`Replayed ${manifest.files.map((f) => f.file).join(', ')} (${manifest.receivedAt.slice(0, 10)}): collector parsers -> bus -> engine -> alert journal`);
  lines.push('');
  lines.push(...formatAlertTable(result.alerts, { includeInformational: options.includeInformational, maxRows: 45, color: options.color }));

  const notable = result.alerts.filter((a) => alertFields(a).level !== 'informational');
  const informational = result.alerts.length - notable.length;
  lines.push('');
  lines.push(
    `${result.events} events (${result.rejectedRecords.length} unparsed), ${result.alerts.length} alerts: ` +
      `${notable.length > 0 ? severityBreakdown(notable) : 'none notable'}` +
      `${informational > 0 ? `, informational ${informational}${options.includeInformational ? '' : ' (not listed; --all)'}` : ''}` +
      `; ${result.rulesLoaded} rules${result.rulesRejected.length ? ` (${result.rulesRejected.length} not loaded)` : ''}` +
      `; ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
  for (const r of result.rejectedRecords.slice(0, 3)) lines.push(`  unparsed: ${r}`);
  lines.push(`Alert journal: ${options.journalDir}`);
  lines.push(`  socle alerts search --journal ${options.journalDir} --severity critical,high`);
  return lines;
}
