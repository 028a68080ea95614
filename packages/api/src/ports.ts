/**
 * The alert ports: where alerts are written (`AlertSink`) and how they are queried (`AlertStore`). The embedded mode
 * implements them with an on-disk journal, the distributed mode with Kafka and Elasticsearch.
 */
import type { Alert } from '@socle/core';

/**
 * Receives alerts. `write` resolves only once the alerts are durable. Alerts are keyed by `event.id`, which is
 * deterministic: writing an alert again replaces the stored one (an upsert), so a replay never duplicates.
 */
export interface AlertSink {
  write(alerts: Alert[]): Promise<void>;
}

export const SEVERITY_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];

export interface AlertQuery {
  /** Inclusive lower bound on `@timestamp` (ISO 8601 or epoch ms). */
  from?: string;
  /** Exclusive upper bound on `@timestamp`. */
  to?: string;
  /** Any of these levels. */
  severity?: SeverityLevel[];
  /** Any of these rule ids (or names as the engine reports them in `rule.id`). */
  rule?: string[];
  host?: string;
  user?: string;
  /** `source.ip` or `destination.ip` equal to this address. */
  ip?: string;
  /** Any of these ATT&CK technique or sub-technique ids (`threat.technique.id`, `threat.technique.subtechnique.id`), e.g. T1059. */
  technique?: string[];
  /**
   * `organization.id` is one of these. Unlike the other lists, an EMPTY array is a filter that matches nothing
   * (the caller's scope left no organisation); `undefined` means no filter. Access scoping relies on this.
   */
  organization?: string[];
  /** Only alerts that carry an `organization.id` (layer-4 scope without a list of organisations). */
  withOrganization?: boolean;
  /** Only alerts the sharing side marked as shared upward (see `access/alert-scope.ts`, SHARED_UPWARD_FIELD). */
  sharedOnly?: boolean;
  /** Only these alert ids (`event.id`); an empty array matches nothing. Used for triage-status filters. */
  ids?: string[];
  /** None of these alert ids. */
  excludeIds?: string[];
  /** Case-insensitive text found in the rule name or id, host, user, source IP or correlation group. */
  q?: string;
  /** Opaque position returned as `nextCursor` by the previous page. */
  cursor?: string;
  /** Page size (default 50). */
  size?: number;
}

/** Newest first; `nextCursor` is absent on the last page. */
export interface AlertPage {
  alerts: Alert[];
  total: number;
  nextCursor?: string;
}

export type AlertCountKey = 'rule' | 'severity' | 'organization';

/** A date-histogram bucket: `key` is the ISO start of the bucket. */
export interface AlertTimeBucket {
  key: string;
  count: number;
}

export interface AlertCount {
  key: string;
  count: number;
}

export interface AlertStore {
  /**
   * True when search, aggregate and histogram honour `organization`, `withOrganization`, `sharedOnly`, `ids` and `excludeIds`.
   * The token-authenticated API refuses to start over a store without it (it would leak across organisations).
   */
  readonly scopeFilters?: boolean;
  search(query: AlertQuery): Promise<AlertPage>;
  get(id: string): Promise<Alert | undefined>;
  /** Alert counts per rule id or per level, over the alerts matching `query` (its cursor and size are ignored). */
  aggregate(by: AlertCountKey, query?: AlertQuery): Promise<AlertCount[]>;
  /**
   * Alert counts per fixed time bucket of `intervalMs` (aligned on the epoch), oldest first, empty buckets omitted.
   * Optional so stores can add it later; the API answers 501 without it.
   */
  histogram?(intervalMs: number, query?: AlertQuery): Promise<AlertTimeBucket[]>;
}
