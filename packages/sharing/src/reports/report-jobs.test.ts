import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '@socle/core';
import { AlertJournal, JournalAlertStore } from '@socle/api';
import { incidentDeadlines } from './incident-deadlines.ts';
import { parseIncidentRegister } from './incident-register.ts';
import { runDailyStatistics, runIncidentReports, scheduleReportJobs } from './report-jobs.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'socle-reports-'));
  dirs.push(d);
  return d;
}

function alert(id: string, time: string, org: string | undefined, level: string, rule: string): Alert {
  return {
    '@timestamp': time,
    event: { kind: 'alert', id, severity: 50 },
    rule: { id: rule, name: `Rule ${rule}`, category: 'detection' },
    tags: [],
    socle: { level },
    ...(org ? { organization: { id: org } } : {}),
  } as Alert;
}

const REGISTER = `
incidents:
  - id: INC-1
    organization: acme
    title: Web shell on web-01
    discoveredAt: 2026-03-14T09:41:00Z
    notifiedAt: 2026-03-16T08:00:00Z
    responseEndedAt: 2026-03-18T17:00:00Z
  - id: INC-2
    organization: acme
    title: Credential dumping on dc-01
    discoveredAt: 2026-03-15T10:00:00Z
  - id: INC-3
    organization: globex
    title: Phishing
    discoveredAt: 2026-03-10T00:00:00Z
    notifiedAt: 2026-03-16T00:00:00Z
    responseEndedAt: 2026-03-12T00:00:00Z
    finalReportAt: 2026-03-16T12:00:00Z
`;

describe('incident reporting deadlines', () => {
  const incidents = parseIncidentRegister(REGISTER, 'incidents.yml');

  it('is on time until five days after discovery, overdue after, and the final report clock starts when response ends', () => {
    const [inc1, inc2, inc3] = incidents;
    const at = (iso: string) => Date.parse(iso);
    expect(incidentDeadlines(inc2!, at('2026-03-20T09:59:59Z')).notification).toMatchObject({ state: 'due', dueAt: '2026-03-20T10:00:00.000Z', remainingMs: 1000 });
    expect(incidentDeadlines(inc2!, at('2026-03-20T10:00:01Z'))).toMatchObject({ overdue: true, notification: { state: 'overdue', remainingMs: -1000 }, finalReport: { state: 'not-started' } });
    expect(incidentDeadlines(inc1!, at('2026-03-23T16:00:00Z'))).toMatchObject({ overdue: false, notification: { state: 'done' }, finalReport: { state: 'due', dueAt: '2026-03-23T17:00:00.000Z' } });
    expect(incidentDeadlines(inc1!, at('2026-03-23T17:00:01Z')).finalReport.state).toBe('overdue');
    expect(incidentDeadlines(inc3!, at('2026-04-01T00:00:00Z'))).toMatchObject({ overdue: false, notification: { state: 'done-late' }, finalReport: { state: 'done' } });
  });

  it('writes the notification and final report in JSON and Markdown, and flags overdue incidents in the overview', async () => {
    const out = await tempDir();
    const now = Date.parse('2026-03-21T12:00:00Z');
    const all = await runIncidentReports({ incidents, outDir: out, now });
    expect(all.filter((d) => d.overdue).map((d) => d.incident.id)).toEqual(['INC-2']);
    const notification = JSON.parse(await readFile(join(out, 'incidents/acme/INC-2.notification.json'), 'utf8'));
    expect(notification).toMatchObject({ kind: 'notification', incidentId: 'INC-2', deadline: { state: 'overdue', dueAt: '2026-03-20T10:00:00.000Z' } });
    const final = await readFile(join(out, 'incidents/acme/INC-1.final.md'), 'utf8');
    expect(final).toContain('# Final incident report: Web shell on web-01');
    expect(final).toContain('- Deadline: due (due 2026-03-23T17:00:00.000Z), 2d 5h left');
    await expect(readFile(join(out, 'incidents/acme/INC-2.final.json'), 'utf8')).rejects.toThrow();
    const overview = await readFile(join(out, 'incidents/deadlines.md'), 'utf8');
    expect(overview).toContain('3 incident(s), 1 overdue.');
    expect(overview).toContain('| **INC-2** Credential dumping on dc-01 | acme | OVERDUE (due 2026-03-20T10:00:00.000Z), 1d 2h late |');
  });

  it('names the register entry that is wrong', () => {
    expect(() => parseIncidentRegister('incidents:\n  - id: X\n    organization: acme\n    title: t\n    discoveredAt: yesterday\n', 'incidents.yml')).toThrow(
      /incidents\.yml:5:19: incidents\.0\.discoveredAt: expected an ISO 8601 time/,
    );
  });
});

describe('daily statistics', () => {
  it('counts the previous UTC day per organisation, by level and by rule', async () => {
    const dir = await tempDir();
    const journal = await AlertJournal.open(join(dir, 'alerts'));
    try {
      await journal.write([
        alert('1', '2026-03-13T23:59:59.999Z', 'acme', 'high', 'r1'),
        alert('2', '2026-03-14T00:00:00.000Z', 'acme', 'high', 'r1'),
        alert('3', '2026-03-14T12:00:00.000Z', 'acme', 'critical', 'r2'),
        alert('4', '2026-03-14T23:59:59.999Z', 'acme', 'high', 'r1'),
        alert('5', '2026-03-14T08:00:00.000Z', 'globex', 'low', 'r3'),
        alert('6', '2026-03-14T08:00:00.000Z', undefined, 'medium', 'r4'),
        alert('7', '2026-03-15T00:00:00.000Z', 'acme', 'high', 'r1'),
      ]);
      const out = join(dir, 'reports');
      const stats = await runDailyStatistics({ store: new JournalAlertStore(journal), outDir: out, now: Date.parse('2026-03-15T00:05:00Z') });
      expect(stats.map((s) => [s.organization, s.total])).toEqual([['(unattributed)', 1], ['acme', 3], ['globex', 1]]);
      expect(stats[1]).toMatchObject({ day: '2026-03-14', bySeverity: { critical: 1, high: 2, medium: 0, low: 0, informational: 0 }, byRule: [{ id: 'r1', count: 2 }, { id: 'r2', count: 1 }] });
      expect(JSON.parse(await readFile(join(out, 'statistics/acme/2026-03-14.json'), 'utf8'))).toEqual(stats[1]);
      const md = await readFile(join(out, 'statistics/acme/2026-03-14.md'), 'utf8');
      expect(md).toContain('| high | 2 |');
      expect(md).toContain('| Rule r1 | r1 | 2 |');
    } finally {
      await journal.close();
    }
  });

  it('refuses a schedule that is not a cron expression', () => {
    expect(() => scheduleReportJobs({ store: {} as never, loadIncidents: async () => [], outDir: '/nonexistent', statisticsCron: 'every day' })).toThrow(
      "statisticsCron: 'every day' is not a cron expression",
    );
  });
});
