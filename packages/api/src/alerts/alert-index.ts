import type { Alert } from '@socle/core';
import type { AlertCount, AlertCountKey, AlertPage, AlertQuery, AlertTimeBucket } from '../ports.ts';
import { alertFields, alertSearchText, type AlertFields } from './alert-fields.ts';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.ts';

interface Entry {
  alert: Alert;
  fields: AlertFields;
  text: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/**
 * Alerts in memory, one per `event.id` (the latest version wins), indexed by rule, level, host and user, and
 * searchable newest first with cursor pagination.
 */
export class AlertIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byRule = new Map<string, Set<string>>();
  private readonly byLevel = new Map<string, Set<string>>();
  private readonly byHost = new Map<string, Set<string>>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Ids newest first; rebuilt lazily after writes. */
  private ordered: Entry[] | undefined;

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Alert | undefined {
    return this.entries.get(id)?.alert;
  }

  /** Adds or replaces the alert with the same `event.id`. */
  put(alert: Alert): void {
    const fields = alertFields(alert);
    if (!Number.isFinite(fields.timeMs)) throw new Error(`alert ${fields.id}: @timestamp '${alert['@timestamp']}' is not a valid time`);
    const previous = this.entries.get(fields.id);
    if (previous) this.unindex(previous);
    const entry: Entry = { alert, fields, text: alertSearchText(alert, fields) };
    this.entries.set(fields.id, entry);
    add(this.byRule, fields.rule, fields.id);
    add(this.byLevel, fields.level, fields.id);
    if (fields.host) add(this.byHost, fields.host.toLowerCase(), fields.id);
    if (fields.user) add(this.byUser, fields.user.toLowerCase(), fields.id);
    this.ordered = undefined;
  }

  search(query: AlertQuery): AlertPage {
    const size = pageSize(query.size);
    const matches = this.matching(query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    let start = 0;
    if (after) {
      while (start < matches.length && !isAfter(matches[start].fields, after)) start++;
    }
    const page = matches.slice(start, start + size);
    const last = page[page.length - 1];
    const more = start + size < matches.length;
    return {
      alerts: page.map((e) => e.alert),
      total: matches.length,
      ...(more && last ? { nextCursor: encodeCursor({ timeMs: last.fields.timeMs, id: last.fields.id }) } : {}),
    };
  }

  aggregate(by: AlertCountKey, query: AlertQuery = {}): AlertCount[] {
    const counts = new Map<string, number>();
    for (const e of this.matching(query)) {
      const keys = by === 'rule' ? [e.fields.rule] : by === 'severity' ? [e.fields.level] : e.fields.organizations;
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  }

  /** Counts per `intervalMs` bucket aligned on the epoch, oldest first; empty buckets are left out. */
  histogram(intervalMs: number, query: AlertQuery = {}): AlertTimeBucket[] {
    if (!Number.isInteger(intervalMs) || intervalMs < 1000) throw new RangeError(`interval: expected at least one second, got ${intervalMs} ms`);
    const counts = new Map<number, number>();
    for (const e of this.matching(query)) {
      const start = Math.floor(e.fields.timeMs / intervalMs) * intervalMs;
      counts.set(start, (counts.get(start) ?? 0) + 1);
    }
    return [...counts].sort((a, b) => a[0] - b[0]).map(([start, count]) => ({ key: new Date(start).toISOString(), count }));
  }

  /** Entries matching every criterion of the query, newest first. */
  private matching(query: AlertQuery): Entry[] {
    const from = query.from === undefined ? undefined : parseTime(query.from, 'from');
    const to = query.to === undefined ? undefined : parseTime(query.to, 'to');
    const sets: Set<string>[] = [];
    if (query.rule?.length) sets.push(union(query.rule.map((r) => this.byRule.get(r))));
    if (query.severity?.length) sets.push(union(query.severity.map((s) => this.byLevel.get(s.toLowerCase()))));
    if (query.host) sets.push(this.byHost.get(query.host.toLowerCase()) ?? new Set());
    if (query.user) sets.push(this.byUser.get(query.user.toLowerCase()) ?? new Set());
    if (query.ids) sets.push(new Set(query.ids));
    const excluded = query.excludeIds?.length ? new Set(query.excludeIds) : undefined;
    const orgs = query.organization ? new Set(query.organization) : undefined;
    const techniques = query.technique?.length ? new Set(query.technique.map((t) => t.toUpperCase())) : undefined;
    const ip = query.ip?.trim().toLowerCase();
    const needle = query.q?.trim().toLowerCase();
    return this.newestFirst().filter(
      (e) =>
        (from === undefined || e.fields.timeMs >= from) &&
        (to === undefined || e.fields.timeMs < to) &&
        sets.every((s) => s.has(e.fields.id)) &&
        (!excluded || !excluded.has(e.fields.id)) &&
        // An alert is in an organisation filter only when every organisation it carries is in it.
        (!orgs || (e.fields.organizations.length > 0 && e.fields.organizations.every((o) => orgs.has(o)))) &&
        (!query.withOrganization || e.fields.organizations.length > 0) &&
        (!query.sharedOnly || e.fields.shared) &&
        (!techniques || e.fields.techniques.some((t) => techniques.has(t))) &&
        (!ip || e.fields.ips.some((a) => a.toLowerCase() === ip)) &&
        (!needle || e.text.includes(needle)),
    );
  }

  private newestFirst(): Entry[] {
    if (!this.ordered) {
      this.ordered = [...this.entries.values()].sort(
        (a, b) => b.fields.timeMs - a.fields.timeMs || (a.fields.id < b.fields.id ? -1 : a.fields.id > b.fields.id ? 1 : 0),
      );
    }
    return this.ordered;
  }

  private unindex(e: Entry): void {
    remove(this.byRule, e.fields.rule, e.fields.id);
    remove(this.byLevel, e.fields.level, e.fields.id);
    if (e.fields.host) remove(this.byHost, e.fields.host.toLowerCase(), e.fields.id);
    if (e.fields.user) remove(this.byUser, e.fields.user.toLowerCase(), e.fields.id);
  }
}

function add(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = new Set()));
  ids.add(id);
}

function remove(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}

function union(sets: (Set<string> | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) if (s) for (const id of s) out.add(id);
  return out;
}

/** True when `f` comes after the cursor in newest-first order. */
function isAfter(f: AlertFields, c: Cursor): boolean {
  return f.timeMs < c.timeMs || (f.timeMs === c.timeMs && f.id > c.id);
}

function pageSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`size: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
  }
  return size;
}

/** ISO 8601 or epoch milliseconds. */
export function parseTime(value: string, name: string): number {
  const t = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(t)) throw new RangeError(`${name}: '${value}' is not a time (use ISO 8601, e.g. 2026-11-23T10:00:00Z, or epoch milliseconds)`);
  return t;
}
