import type { Alert } from '@socle/core';
import { alertFields, SEVERITY_LEVELS } from '@socle/api';

export interface AlertTableOptions {
  /** Show informational alerts (correlation building blocks) too. */
  includeInformational?: boolean;
  /** At most this many rows; the rest is counted in a last line. */
  maxRows?: number;
  /** ANSI colours for severities. */
  color?: boolean;
  /** Fold repeated detections into one row with a count (default true). */
  fold?: boolean;
  /** A first column with the alert id (`socle alerts search`: the id to open or triage). */
  showId?: boolean;
  /** The date with the time (alerts that span days). */
  showDate?: boolean;
}

interface Row {
  first: Alert;
  firstMs: number;
  lastMs: number;
  count: number;
  users: Set<string>;
}

const COLORS: Record<string, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', informational: '\x1b[2m' };
const RESET = '\x1b[0m';
const GROUP_FIELDS_IN_COLUMNS = new Set(['host.name', 'user.name', 'source.ip']);

/**
 * Alerts as a readable table, oldest first. Repeated detections of one rule for the same host and source address
 * (and alerts the engine's suppression already folded) make one row with a count; correlation alerts show their value, window and group.
 */
export function formatAlertTable(alerts: Alert[], options: AlertTableOptions = {}): string[] {
  const shown = options.includeInformational ? alerts : alerts.filter((a) => alertFields(a).level !== 'informational');
  const rows = foldRows(shown, options.fold ?? true);
  const max = options.maxRows ?? Infinity;
  const cells = rows.slice(0, max).map((r) => {
    const f = alertFields(r.first);
    // Repeats folded by suppression share only the suppression key: other fields may have differed.
    const s = r.first.socle.suppression;
    const shared = (field: string, value: string | undefined) => (!s || s.suppressed === 0 || field in s.key ? (value ?? '') : '');
    const user = r.users.size > 1 ? `(${r.users.size} users)` : shared('user.name', f.user);
    const row = [options.showDate ? dateTime(r.firstMs) : clock(r.firstMs), f.level, r.first.rule.name, shared('host.name', f.host), user, shared('source.ip', f.sourceIp), summary(r)];
    return options.showId ? [r.first.event.id, ...row] : row;
  });
  const header = [...(options.showId ? ['ID'] : []), options.showDate ? 'TIME (UTC)' : 'TIME', 'SEVERITY', 'RULE', 'HOST', 'USER', 'SOURCE IP', 'SUMMARY'];
  const limits = [...(options.showId ? [40] : []), options.showDate ? 19 : 8, 13, 44, 12, 12, 15, 80];
  const levelColumn = options.showId ? 2 : 1;
  const table = [header, ...cells].map((row) => row.map((c, i) => truncate(c, limits[i])));
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const lines = table.map((row, n) =>
    row
      .map((c, i) => {
        const padded = i === row.length - 1 ? c : c.padEnd(widths[i]);
        return options.color && n > 0 && i === levelColumn ? `${COLORS[c] ?? ''}${padded}${RESET}` : padded;
      })
      .join('  ')
      .trimEnd(),
  );
  if (rows.length > max) lines.push(`... ${rows.length - max} more rows`);
  return lines;
}

/** "critical 2, high 5, medium 3" from the most to the least severe. */
export function severityBreakdown(alerts: Alert[]): string {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    const level = alertFields(a).level;
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  return [...SEVERITY_LEVELS]
    .reverse()
    .filter((l) => counts.has(l))
    .map((l) => `${l} ${counts.get(l)}`)
    .join(', ');
}

function foldRows(alerts: Alert[], fold: boolean): Row[] {
  const rows = new Map<string, Row>();
  let n = 0;
  for (const a of alerts) {
    const f = alertFields(a);
    // Sliding windows fire again as a group keeps matching: those alerts fold by rule and group.
    const group = a.socle.correlation?.group;
    const key = !fold ? `#${n++}` : JSON.stringify([f.rule, ...(group ? [group] : [f.host, f.sourceIp])]);
    // A suppressed alert stands for itself and the repeats folded into it.
    const count = 1 + (a.socle.suppression?.suppressed ?? 0);
    const lastMs = Math.max(f.timeMs, Date.parse(a.socle.suppression?.last ?? '') || f.timeMs);
    let row = rows.get(key);
    if (row) {
      row.count += count;
      row.firstMs = Math.min(row.firstMs, f.timeMs);
      row.lastMs = Math.max(row.lastMs, lastMs);
    } else {
      rows.set(key, (row = { first: a, firstMs: f.timeMs, lastMs, count, users: new Set() }));
    }
    if (f.user) row.users.add(f.user);
  }
  return [...rows.values()].sort((a, b) => a.firstMs - b.firstMs);
}

function summary(row: Row): string {
  const repeated = row.count > 1 ? `x${row.count} until ${clock(row.lastMs)}` : '';
  const c = row.first.socle.correlation;
  if (!c) return repeated;
  const span = duration(Date.parse(c.window.end) - Date.parse(c.window.start));
  const extra = Object.entries(c.group)
    .filter(([k]) => !GROUP_FIELDS_IN_COLUMNS.has(k))
    .map(([k, v]) => `${k}=${String(v)}`);
  const what =
    c.type === 'event_count'
      ? `${c.value} events in ${span}`
      : c.type === 'value_count'
        ? `${c.value} distinct values in ${span} (${c.events.total} events)`
        : c.type.startsWith('temporal')
          ? `${c.rules.length} rules in sequence within ${span}`
          : `${c.type} ${c.value.toLocaleString('en')} in ${span} (${c.events.total} events)`;
  return [what, ...extra, repeated].filter(Boolean).join(', ');
}

function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

function dateTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') : '?';
}

function clock(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(11, 19) : '?';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
