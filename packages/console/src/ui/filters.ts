/**
 * The queue's filters, kept in the page URL so a view can be shared: `?from=now-24h&severity=high,critical&host=web-01`.
 * The URL keeps relative times as typed; `toApiParams` resolves them for one query. Scoping is the server's job:
 * these filters only narrow what the signed-in principal may already see.
 */
import { resolveTime } from './time.ts';

export interface Filters {
  from?: string;
  to?: string;
  severity: string[];
  status: string[];
  rule: string[];
  technique: string[];
  organization: string[];
  host?: string;
  user?: string;
  ip?: string;
  q?: string;
}

export const LIST_KEYS = ['severity', 'status', 'rule', 'technique', 'organization'] as const;
export const TEXT_KEYS = ['from', 'to', 'host', 'user', 'ip', 'q'] as const;

export const TIME_PRESETS: { label: string; from?: string }[] = [
  { label: 'Last 15 min', from: 'now-15m' },
  { label: 'Last 1 h', from: 'now-1h' },
  { label: 'Last 24 h', from: 'now-24h' },
  { label: 'Last 7 d', from: 'now-7d' },
  { label: 'Last 30 d', from: 'now-30d' },
  { label: 'All time' },
];

export function emptyFilters(): Filters {
  return { severity: [], status: [], rule: [], technique: [], organization: [] };
}

/** Reads filters from a page's query string; unknown keys (the open alert, ...) are left to their owners. */
export function parseFilters(search: URLSearchParams): Filters {
  const f = emptyFilters();
  for (const key of LIST_KEYS) {
    f[key] = [...new Set(search.getAll(key).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean))];
  }
  for (const key of TEXT_KEYS) {
    const v = search.get(key)?.trim();
    if (v) f[key] = v;
  }
  return f;
}

/** The filters as they go in the page URL (stable order, lists comma-joined, empty values left out). */
export function filtersToSearch(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of TEXT_KEYS) if (f[key]) p.set(key, f[key]!);
  for (const key of LIST_KEYS) if (f[key].length) p.set(key, f[key].join(','));
  return p;
}

/** The filters as API query parameters at time `now`: relative times resolved to ISO 8601. */
export function toApiParams(f: Filters, now: number): URLSearchParams {
  const p = filtersToSearch(f);
  if (f.from) p.set('from', new Date(resolveTime(f.from, now)).toISOString());
  if (f.to) p.set('to', new Date(resolveTime(f.to, now)).toISOString());
  return p;
}

/** A copy with one list value added or removed. */
export function toggle(f: Filters, key: (typeof LIST_KEYS)[number], value: string): Filters {
  const has = f[key].includes(value);
  return { ...f, [key]: has ? f[key].filter((v) => v !== value) : [...f[key], value] };
}

export function activeFilterCount(f: Filters): number {
  return LIST_KEYS.reduce((n, k) => n + f[k].length, 0) + TEXT_KEYS.filter((k) => f[k]).length;
}
