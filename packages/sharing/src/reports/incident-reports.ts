/** The documents sent upward for an incident (initial notification, final report) and the deadline overview. */
import { escapeCell } from './daily-statistics.ts';
import type { IncidentDeadlines, Obligation } from './incident-deadlines.ts';

export type IncidentReportKind = 'notification' | 'final';

export interface IncidentReportDocument {
  kind: IncidentReportKind;
  incidentId: string;
  organization: string;
  title: string;
  severity: string;
  summary?: string;
  discoveredAt: string;
  responseEndedAt?: string;
  alertIds: string[];
  deadline: Obligation;
  generatedAt: string;
}

/** The notification always exists; the final report once the response has ended. */
export function incidentReports(d: IncidentDeadlines, now: number): IncidentReportDocument[] {
  const i = d.incident;
  const base = {
    incidentId: i.id,
    organization: i.organization,
    title: i.title,
    severity: i.severity,
    ...(i.summary ? { summary: i.summary } : {}),
    discoveredAt: new Date(Date.parse(i.discoveredAt)).toISOString(),
    alertIds: i.alertIds,
    generatedAt: new Date(now).toISOString(),
  };
  const docs: IncidentReportDocument[] = [{ kind: 'notification', ...base, deadline: d.notification }];
  if (i.responseEndedAt) docs.push({ kind: 'final', ...base, responseEndedAt: new Date(Date.parse(i.responseEndedAt)).toISOString(), deadline: d.finalReport });
  return docs;
}

const STATE_TEXT: Record<Obligation['state'], string> = {
  done: 'sent on time',
  'done-late': 'sent late',
  due: 'due',
  overdue: 'OVERDUE',
  'not-started': 'not started (response still under way)',
};

function deadlineText(o: Obligation): string {
  const when = o.dueAt ? ` (due ${o.dueAt}${o.doneAt ? `, sent ${o.doneAt}` : ''})` : '';
  const left = o.remainingMs !== undefined ? `, ${formatDuration(o.remainingMs)}` : '';
  return `${STATE_TEXT[o.state]}${when}${left}`;
}

export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  return `${days}d ${hours}h ${ms >= 0 ? 'left' : 'late'}`;
}

export function incidentReportMarkdown(doc: IncidentReportDocument): string {
  const heading = doc.kind === 'notification' ? 'Incident notification' : 'Final incident report';
  return [
    `# ${heading}: ${doc.title}`,
    '',
    `- Incident: ${doc.incidentId}`,
    `- Organisation: ${doc.organization}`,
    `- Severity: ${doc.severity}`,
    `- Discovered: ${doc.discoveredAt}`,
    ...(doc.responseEndedAt ? [`- Response ended: ${doc.responseEndedAt}`] : []),
    `- Deadline: ${deadlineText(doc.deadline)}`,
    `- Alerts: ${doc.alertIds.length ? doc.alertIds.join(', ') : 'none recorded'}`,
    '',
    doc.summary ?? '',
  ].join('\n').trimEnd() + '\n';
}

export function deadlineOverviewMarkdown(all: IncidentDeadlines[], now: number): string {
  const overdue = all.filter((d) => d.overdue).length;
  return [
    `# Incident reporting deadlines at ${new Date(now).toISOString()}`,
    '',
    `${all.length} incident(s), ${overdue} overdue.`,
    '',
    '| incident | organisation | notification | final report |',
    '|---|---|---|---|',
    ...all.map((d) => `| ${d.overdue ? '**' : ''}${escapeCell(d.incident.id)}${d.overdue ? '**' : ''} ${escapeCell(d.incident.title)} | ${escapeCell(d.incident.organization)} | ${deadlineText(d.notification)} | ${deadlineText(d.finalReport)} |`),
  ].join('\n') + '\n';
}
