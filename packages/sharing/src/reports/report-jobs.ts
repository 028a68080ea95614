/**
 * The scheduled report jobs. Each is a plain function taking the clock (`now`), so tests and `socle` commands call
 * them directly; `scheduleReportJobs` runs them with node-cron (UTC by default).
 *
 * Files written under `outDir`:
 *   statistics/<organization>/<day>.json|.md           daily statistics (the previous UTC day)
 *   incidents/<organization>/<id>.notification.json|.md initial notification
 *   incidents/<organization>/<id>.final.json|.md        final report, once the response has ended
 *   incidents/deadlines.json|.md                        every incident with its deadlines, overdue ones flagged
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import cron from 'node-cron';
import type { AlertStore } from '@socle/api';
import { dailyStatistics, statisticsMarkdown, type OrganizationDayStatistics } from './daily-statistics.ts';
import { incidentDeadlines, type IncidentDeadlines } from './incident-deadlines.ts';
import type { IncidentRecord } from './incident-register.ts';
import { deadlineOverviewMarkdown, incidentReportMarkdown, incidentReports } from './incident-reports.ts';

export async function runDailyStatistics(options: { store: AlertStore; outDir: string; now: number }): Promise<OrganizationDayStatistics[]> {
  const day = new Date(options.now - 86_400_000).toISOString().slice(0, 10);
  const stats = await dailyStatistics(options.store, day);
  for (const s of stats) {
    const base = join(options.outDir, 'statistics', safeName(s.organization), day);
    await writeAtomically(`${base}.json`, JSON.stringify(s, null, 2) + '\n');
    await writeAtomically(`${base}.md`, statisticsMarkdown(s));
  }
  return stats;
}

export async function runIncidentReports(options: { incidents: IncidentRecord[]; outDir: string; now: number }): Promise<IncidentDeadlines[]> {
  const all = options.incidents.map((i) => incidentDeadlines(i, options.now));
  for (const d of all) {
    for (const doc of incidentReports(d, options.now)) {
      const base = join(options.outDir, 'incidents', safeName(doc.organization), `${safeName(doc.incidentId)}.${doc.kind}`);
      await writeAtomically(`${base}.json`, JSON.stringify(doc, null, 2) + '\n');
      await writeAtomically(`${base}.md`, incidentReportMarkdown(doc));
    }
  }
  const overview = all.map((d) => ({ incident: d.incident.id, organization: d.incident.organization, overdue: d.overdue, notification: d.notification, finalReport: d.finalReport }));
  await writeAtomically(join(options.outDir, 'incidents', 'deadlines.json'), JSON.stringify({ generatedAt: new Date(options.now).toISOString(), incidents: overview }, null, 2) + '\n');
  await writeAtomically(join(options.outDir, 'incidents', 'deadlines.md'), deadlineOverviewMarkdown(all, options.now));
  return all;
}

export interface ReportSchedule {
  store: AlertStore;
  /** Read at every run, so analysts' edits are picked up. */
  loadIncidents: () => Promise<IncidentRecord[]>;
  outDir: string;
  /** Default: 00:05 every day. */
  statisticsCron?: string;
  /** Default: every hour, so an incident turning overdue is flagged within the hour. */
  incidentsCron?: string;
  timezone?: string;
  onError?: (job: string, err: unknown) => void;
  onOverdue?: (overdue: IncidentDeadlines[]) => void;
}

export function scheduleReportJobs(s: ReportSchedule): { stop: () => Promise<void> } {
  const statisticsCron = s.statisticsCron ?? '5 0 * * *';
  const incidentsCron = s.incidentsCron ?? '0 * * * *';
  for (const [name, expr] of [['statisticsCron', statisticsCron], ['incidentsCron', incidentsCron]] as const) {
    if (!cron.validate(expr)) throw new Error(`${name}: '${expr}' is not a cron expression`);
  }
  const options = { timezone: s.timezone ?? 'UTC', noOverlap: true };
  const guard = (job: string, fn: () => Promise<unknown>) => async () => {
    try {
      await fn();
    } catch (err) {
      s.onError?.(job, err);
    }
  };
  const tasks = [
    cron.schedule(statisticsCron, guard('daily statistics', () => runDailyStatistics({ store: s.store, outDir: s.outDir, now: Date.now() })), { ...options, name: 'socle-daily-statistics' }),
    cron.schedule(
      incidentsCron,
      guard('incident reports', async () => {
        const all = await runIncidentReports({ incidents: await s.loadIncidents(), outDir: s.outDir, now: Date.now() });
        const overdue = all.filter((d) => d.overdue);
        if (overdue.length) s.onOverdue?.(overdue);
      }),
      { ...options, name: 'socle-incident-reports' },
    ),
  ];
  return {
    stop: async () => {
      for (const t of tasks) await t.destroy();
    },
  };
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
