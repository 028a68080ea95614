import { SEVERITY_LEVELS, type AlertQuery, type SeverityLevel } from '../ports.ts';
import { parseTime } from './alert-index.ts';

/** Query parameters as they arrive from a URL or the command line (comma-separated lists allowed). */
export interface AlertQueryParams {
  from?: string;
  to?: string;
  severity?: string | string[];
  rule?: string | string[];
  host?: string;
  user?: string;
  q?: string;
  cursor?: string;
  size?: string | number;
}

/** Checks and converts parameters; errors name the parameter and what it accepts. */
export function alertQueryFromParams(p: AlertQueryParams): AlertQuery {
  const query: AlertQuery = {};
  if (p.from) {
    parseTime(p.from, 'from');
    query.from = p.from;
  }
  if (p.to) {
    parseTime(p.to, 'to');
    query.to = p.to;
  }
  const severity = list(p.severity);
  if (severity.length) {
    for (const s of severity) {
      if (!(SEVERITY_LEVELS as readonly string[]).includes(s.toLowerCase())) {
        throw new RangeError(`severity: '${s}' is not a level (use ${SEVERITY_LEVELS.join(', ')})`);
      }
    }
    query.severity = severity.map((s) => s.toLowerCase() as SeverityLevel);
  }
  const rule = list(p.rule);
  if (rule.length) query.rule = rule;
  if (p.host) query.host = p.host;
  if (p.user) query.user = p.user;
  if (p.q) query.q = p.q;
  if (p.cursor) query.cursor = p.cursor;
  if (p.size !== undefined && p.size !== '') {
    const size = typeof p.size === 'number' ? p.size : /^\d+$/.test(p.size) ? Number(p.size) : NaN;
    if (!Number.isInteger(size)) throw new RangeError(`size: '${p.size}' is not a whole number`);
    query.size = size;
  }
  return query;
}

function list(v: string | string[] | undefined): string[] {
  const items = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return items.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}
