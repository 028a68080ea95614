/**
 * The reporting deadlines of the four-layer model: an incident is notified within 5 days of its discovery, and a
 * final report follows within 5 days after the response ends. Days are calendar days of 24 hours, counted from the
 * recorded instant.
 */
import type { IncidentRecord } from './incident-register.ts';

export const REPORTING_WINDOW_MS = 5 * 86_400_000;

export type ObligationState = 'done' | 'done-late' | 'due' | 'overdue' | 'not-started';

export interface Obligation {
  state: ObligationState;
  /** ISO 8601; absent while the obligation has not started (final report before the response ends). */
  dueAt?: string;
  doneAt?: string;
  /** Positive: time left; negative: time overdue (ms), for open obligations. */
  remainingMs?: number;
}

export interface IncidentDeadlines {
  incident: IncidentRecord;
  notification: Obligation;
  finalReport: Obligation;
  overdue: boolean;
}

function obligation(startedAt: string | undefined, doneAt: string | undefined, now: number): Obligation {
  if (startedAt === undefined) return { state: 'not-started' };
  const due = Date.parse(startedAt) + REPORTING_WINDOW_MS;
  const dueAt = new Date(due).toISOString();
  if (doneAt !== undefined) return { state: Date.parse(doneAt) <= due ? 'done' : 'done-late', dueAt, doneAt: new Date(Date.parse(doneAt)).toISOString() };
  return { state: now > due ? 'overdue' : 'due', dueAt, remainingMs: due - now };
}

export function incidentDeadlines(incident: IncidentRecord, now: number): IncidentDeadlines {
  const notification = obligation(incident.discoveredAt, incident.notifiedAt, now);
  const finalReport = obligation(incident.responseEndedAt, incident.finalReportAt, now);
  return { incident, notification, finalReport, overdue: notification.state === 'overdue' || finalReport.state === 'overdue' };
}
