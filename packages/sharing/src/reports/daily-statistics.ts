/** Alert statistics of one UTC day per organisation: totals by level and by rule, for the periodic upward reports. */
import type { Alert } from '@socle/core';
import { alertPages, SEVERITY_LEVELS, type AlertStore } from '@socle/api';
import { organizationOf } from '../sharing-decision.ts';

export interface OrganizationDayStatistics {
  organization: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  total: number;
  bySeverity: Record<string, number>;
  byRule: { id: string; name: string; count: number }[];
}

export const UNATTRIBUTED = '(unattributed)';

/** `day` is YYYY-MM-DD; alerts with `@timestamp` in [day 00:00Z, next day 00:00Z). Organisations sorted by id. */
export async function dailyStatistics(store: AlertStore, day: string): Promise<OrganizationDayStatistics[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !Number.isFinite(Date.parse(`${day}T00:00:00Z`))) throw new Error(`day: '${day}' is not a date (YYYY-MM-DD)`);
  const from = `${day}T00:00:00.000Z`;
  const to = new Date(Date.parse(from) + 86_400_000).toISOString();
  const byOrg = new Map<string, Alert[]>();
  for await (const page of alertPages(store, { from, to, size: 1000 })) {
    for (const alert of page.alerts) {
      const org = organizationOf(alert) ?? UNATTRIBUTED;
      byOrg.set(org, [...(byOrg.get(org) ?? []), alert]);
    }
  }
  return [...byOrg.keys()].sort().map((organization) => summarise(organization, day, byOrg.get(organization)!));
}

function summarise(organization: string, day: string, alerts: Alert[]): OrganizationDayStatistics {
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITY_LEVELS.map((l) => [l, 0]));
  const rules = new Map<string, { id: string; name: string; count: number }>();
  for (const a of alerts) {
    const level = String(a.socle.level ?? 'informational');
    bySeverity[level] = (bySeverity[level] ?? 0) + 1;
    const r = rules.get(a.rule.id) ?? { id: a.rule.id, name: a.rule.name, count: 0 };
    r.count++;
    rules.set(a.rule.id, r);
  }
  const byRule = [...rules.values()].sort((x, y) => y.count - x.count || x.id.localeCompare(y.id));
  return { organization, day, total: alerts.length, bySeverity, byRule };
}

export function statisticsMarkdown(s: OrganizationDayStatistics): string {
  const lines = [
    `# Alert statistics: ${s.organization}, ${s.day} (UTC)`,
    '',
    `${s.total} alert(s).`,
    '',
    '| level | alerts |',
    '|---|---:|',
    ...SEVERITY_LEVELS.slice().reverse().map((l) => `| ${l} | ${s.bySeverity[l] ?? 0} |`),
    '',
    '| rule | id | alerts |',
    '|---|---|---:|',
    ...s.byRule.map((r) => `| ${escapeCell(r.name)} | ${escapeCell(r.id)} | ${r.count} |`),
  ];
  return lines.join('\n') + '\n';
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
