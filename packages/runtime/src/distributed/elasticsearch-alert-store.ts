import type { Client, estypes } from '@elastic/elasticsearch';
import type { Alert } from '@socle/core';
import { decodeCursor, encodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, parseTime, type AlertCount, type AlertCountKey, type AlertPage, type AlertQuery, type AlertStore, type AlertTimeBucket } from '@socle/api';
import { alertIndicesFor, fromDocument, type AlertDocument } from './alert-documents.ts';

/**
 * The AlertStore on Elasticsearch, over the `<prefix>-<organisation>-YYYY.MM.DD` alert indices: the same answers as
 * the embedded store (newest first, ties by id; host, user and free text case-insensitive) with `search_after`
 * cursors, including the scope filters (organisations, sharing flag, ids) the token-authenticated API relies on.
 * A query with a time range reads only the indices of its days.
 */
export class ElasticsearchAlertStore implements AlertStore {
  readonly scopeFilters = true;

  constructor(
    private readonly client: Client,
    private readonly indexPrefix: string,
  ) {}

  private get pattern(): string {
    return `${this.indexPrefix}-*`;
  }

  private indicesFor(query: AlertQuery): string {
    const from = query.from === undefined ? undefined : parseTime(query.from, 'from');
    const to = query.to === undefined ? undefined : parseTime(query.to, 'to');
    return alertIndicesFor(this.indexPrefix, from, to);
  }

  async search(query: AlertQuery): Promise<AlertPage> {
    const size = pageSize(query.size);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const response = await this.client.search<AlertDocument>({
      index: this.indicesFor(query),
      ignore_unavailable: true,
      allow_no_indices: true,
      query: toEsQuery(query),
      sort: [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }],
      size: size + 1,
      track_total_hits: true,
      ...(after ? { search_after: [after.timeMs, after.id] } : {}),
    });
    const hits = response.hits.hits;
    const page = hits.slice(0, size);
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    const last = page[page.length - 1];
    const alerts = page.map((h) => fromDocument(h._source as AlertDocument));
    return {
      alerts,
      total,
      ...(hits.length > size && last ? { nextCursor: encodeCursor({ timeMs: Number(last.sort?.[0]), id: String(last.sort?.[1]) }) } : {}),
    };
  }

  async get(id: string): Promise<Alert | undefined> {
    const response = await this.client.search<AlertDocument>({
      index: this.pattern,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { ids: { values: [id] } },
      size: 1,
    });
    const hit = response.hits.hits[0];
    return hit?._source ? fromDocument(hit._source) : undefined;
  }

  async aggregate(by: AlertCountKey, query: AlertQuery = {}): Promise<AlertCount[]> {
    const field = by === 'rule' ? 'rule.id' : by === 'severity' ? 'socle.lookup.level' : 'socle.lookup.organizations';
    const response = await this.aggregations(query, { counts: { terms: { field, size: 10_000 } } });
    const buckets = (response.aggregations?.counts as estypes.AggregationsStringTermsAggregate | undefined)?.buckets;
    const list = Array.isArray(buckets) ? buckets : [];
    return list
      .map((b) => ({ key: String(b.key), count: b.doc_count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  }

  async histogram(intervalMs: number, query: AlertQuery = {}): Promise<AlertTimeBucket[]> {
    if (!Number.isInteger(intervalMs) || intervalMs < 1000) throw new RangeError(`interval: expected at least one second, got ${intervalMs} ms`);
    const response = await this.aggregations(query, {
      buckets: { date_histogram: { field: '@timestamp', fixed_interval: `${intervalMs}ms`, min_doc_count: 1, order: { _key: 'asc' } } },
    });
    const buckets = (response.aggregations?.buckets as estypes.AggregationsDateHistogramAggregate | undefined)?.buckets;
    const list = Array.isArray(buckets) ? buckets : [];
    return list.map((b) => ({ key: new Date(Number(b.key)).toISOString(), count: b.doc_count }));
  }

  /** Aggregations over the alerts matching `query`, without hits. */
  private aggregations(query: AlertQuery, aggs: Record<string, estypes.AggregationsAggregationContainer>) {
    return this.client.search({ index: this.indicesFor(query), ignore_unavailable: true, allow_no_indices: true, query: toEsQuery(query), size: 0, aggs });
  }
}

/** The query's criteria as an Elasticsearch bool filter (cursor and size excluded). */
export function toEsQuery(query: AlertQuery): estypes.QueryDslQueryContainer {
  const filter: estypes.QueryDslQueryContainer[] = [];
  const range: Record<string, number> = {};
  if (query.from !== undefined) range.gte = parseTime(query.from, 'from');
  if (query.to !== undefined) range.lt = parseTime(query.to, 'to');
  if (Object.keys(range).length) filter.push({ range: { '@timestamp': { ...range, format: 'epoch_millis' } } });
  if (query.rule?.length) filter.push({ terms: { 'rule.id': query.rule } });
  if (query.severity?.length) filter.push({ terms: { 'socle.lookup.level': query.severity.map((s) => s.toLowerCase()) } });
  if (query.host) filter.push({ term: { 'socle.lookup.host': query.host.toLowerCase() } });
  if (query.user) filter.push({ term: { 'socle.lookup.user': query.user.toLowerCase() } });
  const needle = query.q?.trim().toLowerCase();
  if (needle) filter.push({ wildcard: { 'socle.lookup.text': { value: `*${escapeWildcard(needle)}*` } } });
  const ip = query.ip?.trim().toLowerCase();
  if (ip) filter.push({ term: { 'socle.lookup.ips': ip } });
  if (query.technique?.length) filter.push({ terms: { 'socle.lookup.techniques': query.technique.map((t) => t.toUpperCase()) } });
  if (query.organization !== undefined) {
    if (query.organization.length === 0) return MATCH_NONE;
    // Every organisation of the alert must be in the list: as many of its organisations match as it carries.
    filter.push({
      terms_set: { 'socle.lookup.organizations': { terms: [...new Set(query.organization)], minimum_should_match_field: 'socle.lookup.organizationCount' } },
    });
  }
  if (query.organization !== undefined || query.withOrganization) filter.push({ range: { 'socle.lookup.organizationCount': { gte: 1 } } });
  if (query.sharedOnly) filter.push({ term: { 'socle.lookup.shared': true } });
  if (query.ids !== undefined) {
    if (query.ids.length === 0) return MATCH_NONE;
    filter.push({ ids: { values: query.ids } });
  }
  const mustNot: estypes.QueryDslQueryContainer[] = query.excludeIds?.length ? [{ ids: { values: query.excludeIds } }] : [];
  if (!filter.length && !mustNot.length) return { match_all: {} };
  return { bool: { filter, ...(mustNot.length ? { must_not: mustNot } : {}) } };
}

const MATCH_NONE: estypes.QueryDslQueryContainer = { match_none: {} };

function escapeWildcard(text: string): string {
  return text.replace(/[\\*?]/g, (c) => `\\${c}`);
}

function pageSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) throw new RangeError(`size: expected an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}`);
  return size;
}
