import type { Alert } from '@socle/core';
import { alertFields, alertSearchText } from '@socle/api';

/**
 * How alerts are laid out in Elasticsearch: one index per organisation and UTC day, `_id` = the alert's
 * deterministic `event.id`, and a few lower-cased lookup fields under `socle.lookup` that the store queries
 * (host, user and free text also for correlation alerts, whose host and user live in their group).
 */
export interface AlertDocument extends Alert {
  socle: Alert['socle'] & { lookup: AlertLookup };
}

export interface AlertLookup {
  level: string;
  host?: string;
  user?: string;
  text: string;
  /** `source.ip` and `destination.ip` (own fields or correlation group), lower-cased. */
  ips: string[];
  /** ATT&CK technique and sub-technique ids, upper-cased. */
  techniques: string[];
  /** Every `organization.id` the alert carries, and how many: "all of them in a list" is a `terms_set` on the count. */
  organizations: string[];
  organizationCount: number;
  /** Marked as shared upward (SHARED_UPWARD_FIELD). */
  shared: boolean;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The organisation an alert belongs to: `organization.id` on the alert or its event, else the default. */
export function alertOrganization(alert: Alert, fallback: string): string {
  const own = asRecord(alert.organization)?.id ?? asRecord(asRecord(alert['socle.event'])?.organization)?.id;
  const text = typeof own === 'string' ? own.toLowerCase().replace(/[^a-z0-9_-]/g, '_') : '';
  return text !== '' ? text : fallback;
}

/** UTC day of the alert's `@timestamp`, as used in index names (`YYYY.MM.DD`). */
export function indexDay(timestamp: string): string {
  const t = Date.parse(timestamp);
  return dayName(Number.isNaN(t) ? 0 : t);
}

function dayName(timeMs: number): string {
  const d = new Date(timeMs);
  return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

const DAY_MS = 86_400_000;
/** Longer time ranges search every alert index (the names of more days would make a long request line). */
const MAX_NAMED_DAYS = 45;

/**
 * The alert indices a search over `[fromMs, toMs)` needs to read: one pattern per UTC day
 * (`<prefix>-*-YYYY.MM.DD`, every organisation), or every alert index when the range is open or long. A daily
 * index only holds alerts of its day, so Elasticsearch then contacts the shards of those days instead of
 * every shard of every day.
 */
export function alertIndicesFor(prefix: string, fromMs: number | undefined, toMs: number | undefined): string {
  const all = `${prefix}-*`;
  if (fromMs === undefined || toMs === undefined) return all;
  const first = Math.floor(fromMs / DAY_MS);
  const last = Math.max(first, Math.floor((toMs - 1) / DAY_MS));
  if (last - first + 1 > MAX_NAMED_DAYS) return all;
  const days: string[] = [];
  for (let day = first; day <= last; day++) days.push(`${prefix}-*-${dayName(day * DAY_MS)}`);
  return days.join(',');
}

export function alertIndexName(prefix: string, alert: Alert, fallbackOrganization: string): string {
  return `${prefix}-${alertOrganization(alert, fallbackOrganization)}-${indexDay(alert['@timestamp'])}`;
}

/** The day an alert index holds, or undefined for a name that is not `<prefix>-<org>-YYYY.MM.DD`. */
export function dayOfIndex(prefix: string, index: string): number | undefined {
  if (!index.startsWith(`${prefix}-`)) return undefined;
  const m = /-(\d{4})\.(\d{2})\.(\d{2})$/.exec(index);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? undefined : t;
}

export function toDocument(alert: Alert): AlertDocument {
  const fields = alertFields(alert);
  const lookup: AlertLookup = {
    level: fields.level,
    text: alertSearchText(alert, fields),
    ips: fields.ips.map((ip) => ip.toLowerCase()),
    techniques: fields.techniques,
    organizations: fields.organizations,
    organizationCount: fields.organizations.length,
    shared: fields.shared,
  };
  if (fields.host) lookup.host = fields.host.toLowerCase();
  if (fields.user) lookup.user = fields.user.toLowerCase();
  return { ...alert, socle: { ...alert.socle, lookup } };
}

export function fromDocument(doc: AlertDocument): Alert {
  const { lookup: _lookup, ...socle } = doc.socle;
  return { ...doc, socle } as Alert;
}

/**
 * Composable index template for the alert indices. ECS types for what analysts filter on; `dynamic: false` so an
 * unexpected field shape in an event never makes a bulk item fail (the field stays in `_source`, unindexed).
 */
export function alertIndexTemplate(prefix: string): { name: string; body: Record<string, unknown> } {
  const keyword = { type: 'keyword', ignore_above: 1024 };
  const ip = { type: 'ip', ignore_malformed: true };
  return {
    name: `${prefix}-template`,
    body: {
      index_patterns: [`${prefix}-*`],
      priority: 200,
      template: {
        settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
        mappings: {
          dynamic: false,
          properties: {
            '@timestamp': { type: 'date' },
            event: { properties: { id: keyword, kind: keyword, severity: { type: 'integer' }, reference: keyword } },
            rule: { properties: { id: keyword, name: keyword, category: keyword, version: keyword, author: keyword } },
            tags: keyword,
            'kibana.alert.severity': keyword,
            organization: { properties: { id: keyword } },
            host: { properties: { name: keyword, hostname: keyword, ip } },
            user: { properties: { name: keyword, domain: keyword } },
            source: { properties: { ip, port: { type: 'long', ignore_malformed: true } } },
            destination: { properties: { ip, port: { type: 'long', ignore_malformed: true } } },
            process: { properties: { name: keyword, executable: keyword, command_line: { type: 'text' } } },
            threat: {
              properties: {
                framework: keyword,
                tactic: { properties: { id: keyword, name: keyword } },
                technique: { properties: { id: keyword, subtechnique: { properties: { id: keyword } } } },
              },
            },
            socle: {
              properties: {
                level: keyword,
                eventId: keyword,
                lookup: {
                  properties: {
                    level: keyword,
                    host: keyword,
                    user: keyword,
                    text: { type: 'keyword', ignore_above: 8191 },
                    ips: keyword,
                    techniques: keyword,
                    organizations: keyword,
                    organizationCount: { type: 'integer' },
                    shared: { type: 'boolean' },
                  },
                },
                correlation: {
                  properties: {
                    type: keyword,
                    group: { type: 'flattened' },
                    window: { properties: { start: { type: 'date' }, end: { type: 'date' } } },
                    value: { type: 'double' },
                    rules: keyword,
                  },
                },
                event: { type: 'object', enabled: false },
              },
            },
          },
        },
      },
    },
  };
}
