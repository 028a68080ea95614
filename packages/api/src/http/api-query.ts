/**
 * Strict parsing of the alert API's query strings: unknown parameters, repeated single-valued parameters, oversized
 * values and malformed lists are refused with an error naming the parameter.
 */
import { alertQueryFromParams } from '../alerts/alert-query-params.ts';
import type { AlertCountKey, AlertQuery } from '../ports.ts';
import { TRIAGE_STATUSES, type TriageStatus } from '../triage/triage.ts';

export const MAX_PARAM_LENGTH = 1024;
export const MAX_LIST_ITEMS = 100;

const LIST_PARAMS = ['severity', 'rule', 'technique', 'organization', 'status'] as const;
const SCALAR_PARAMS = ['from', 'to', 'host', 'user', 'ip', 'q', 'cursor', 'size'] as const;
export const SEARCH_PARAMS: readonly string[] = [...LIST_PARAMS, ...SCALAR_PARAMS];

export class BadRequestError extends Error {}

export interface ParsedSearch {
  query: AlertQuery;
  /** Triage statuses asked for; undefined when any status will do. */
  status?: TriageStatus[];
}

const TECHNIQUE = /^T\d{4}(\.\d{3})?$/i;
const ORGANIZATION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `extra` names the endpoint's own parameters (`by`, `interval`), returned as single values. */
export function parseSearchParams(params: URLSearchParams, extra: readonly string[] = []): ParsedSearch & { extra: Record<string, string> } {
  const seen = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (!SEARCH_PARAMS.includes(key) && !extra.includes(key)) {
      throw new BadRequestError(`${truncate(key)}: unknown parameter (use ${[...SEARCH_PARAMS, ...extra].join(', ')})`);
    }
    if (value.length > MAX_PARAM_LENGTH) throw new BadRequestError(`${key}: value longer than ${MAX_PARAM_LENGTH} characters`);
    const values = seen.get(key) ?? [];
    values.push(value);
    seen.set(key, values);
  }
  const single = (key: string): string | undefined => {
    const v = seen.get(key);
    if (!v) return undefined;
    if (v.length > 1) throw new BadRequestError(`${key}: given ${v.length} times; give it once`);
    return v[0];
  };
  const list = (key: string): string[] | undefined => {
    const v = seen.get(key);
    if (!v) return undefined;
    const items = v.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
    if (items.length > MAX_LIST_ITEMS) throw new BadRequestError(`${key}: more than ${MAX_LIST_ITEMS} values`);
    return items;
  };

  let query: AlertQuery;
  try {
    query = alertQueryFromParams({
      from: single('from'),
      to: single('to'),
      severity: list('severity'),
      rule: list('rule'),
      host: single('host'),
      user: single('user'),
      q: single('q'),
      cursor: single('cursor'),
      size: single('size'),
    });
  } catch (err) {
    throw new BadRequestError((err as Error).message);
  }
  const ip = single('ip');
  if (ip) query.ip = ip;
  const technique = list('technique');
  if (technique?.length) {
    for (const t of technique) if (!TECHNIQUE.test(t)) throw new BadRequestError(`technique: '${truncate(t)}' is not an ATT&CK technique id (e.g. T1059 or T1059.001)`);
    query.technique = technique.map((t) => t.toUpperCase());
  }
  const organization = list('organization');
  if (organization?.length) {
    for (const o of organization) if (!ORGANIZATION.test(o)) throw new BadRequestError(`organization: '${truncate(o)}' is not an organisation id`);
    query.organization = organization;
  }
  const status = list('status');
  if (status?.length) {
    for (const s of status) if (!(TRIAGE_STATUSES as readonly string[]).includes(s)) throw new BadRequestError(`status: '${truncate(s)}' is not a status (use ${TRIAGE_STATUSES.join(', ')})`);
  }
  const extraValues: Record<string, string> = {};
  for (const key of extra) {
    const v = single(key);
    if (v !== undefined) extraValues[key] = v;
  }
  return { query, ...(status?.length ? { status: [...new Set(status)] as TriageStatus[] } : {}), extra: extraValues };
}

export function parseCountKey(by: string | undefined): AlertCountKey {
  const key = by ?? 'rule';
  if (key !== 'rule' && key !== 'severity' && key !== 'organization') throw new BadRequestError(`by: '${truncate(key)}' is not supported (use rule, severity or organization)`);
  return key;
}

/** `15m`, `1h`, `1d` (or whole milliseconds) → milliseconds; at least a minute, at most 31 days. */
export function parseInterval(text: string | undefined): number {
  const t = text ?? '1h';
  const m = /^(\d{1,6})([smhd]?)$/.exec(t);
  const unit = m ? { '': 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'] : NaN;
  const ms = m ? Number(m[1]) * unit : NaN;
  if (!Number.isInteger(ms) || ms < 60_000 || ms > 31 * 86_400_000) throw new BadRequestError(`interval: '${truncate(t)}' is not an interval from 1m to 31d (e.g. 15m, 1h, 1d)`);
  return ms;
}

/** Echoed input is cut short so an oversized value is not reflected whole. */
export function truncate(s: string, max = 64): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
