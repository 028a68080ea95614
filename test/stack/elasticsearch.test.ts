// Smoke tests of the local Elasticsearch through @elastic/elasticsearch, the client Socle's alert store uses.
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';

const client = new Client({ node: stackConnection().elasticsearchUrl });
const prefix = uniqueName('es');

interface AlertDoc {
  '@timestamp': string;
  rule: { id: string; level: string };
  host: { name: string; ip: string };
  risk: number;
  message: string;
}

/** 60 alerts over 3 hours, spread over 3 rules and 4 hosts in a fixed pattern. */
function sampleAlerts(): AlertDoc[] {
  const rules = ['r-ssh-brute', 'r-psexec', 'r-dns-tunnel'];
  const levels = ['high', 'critical', 'medium'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  return Array.from({ length: 60 }, (_, i) => ({
    '@timestamp': new Date(start + i * 3 * 60_000).toISOString(),
    rule: { id: rules[i % 3], level: levels[i % 3] },
    host: { name: `host-${i % 4}`, ip: `10.0.0.${i % 4}` },
    risk: (i % 10) * 10,
    message: `alert ${i} from host-${i % 4}`,
  }));
}

const alertsTemplate = {
  index_patterns: [`${prefix}-alerts-*`],
  priority: 500,
  template: {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic: 'strict' as const,
      properties: {
        '@timestamp': { type: 'date' as const },
        rule: { properties: { id: { type: 'keyword' as const }, level: { type: 'keyword' as const } } },
        host: { properties: { name: { type: 'keyword' as const }, ip: { type: 'ip' as const } } },
        risk: { type: 'integer' as const },
        message: { type: 'text' as const },
      },
    },
  },
};

afterAll(async () => {
  await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true });
  await client.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => undefined);
  await client.close();
});

describe('local Elasticsearch', () => {
  it('reports a yellow or green single-node cluster of an 8.x server', async () => {
    const health = await client.cluster.health({ wait_for_status: 'yellow', timeout: '10s' });
    expect(['yellow', 'green']).toContain(health.status);
    expect(health.number_of_nodes).toBe(1);
    // GET / (client.info) is not served by the integ-test distribution: ask the nodes API instead.
    const nodes = await client.nodes.info({ metric: 'settings' });
    const versions = Object.values(nodes.nodes).map((node) => node.version);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatch(/^8\./);
  });

  it('applies a composable index template to an index created by the first write', async () => {
    await client.indices.putIndexTemplate({ name: `${prefix}-alerts`, ...alertsTemplate });
    const index = `${prefix}-alerts-template`;
    await client.index({ index, document: sampleAlerts()[0], refresh: 'wait_for' });

    const mapping = await client.indices.getMapping({ index });
    const properties = mapping[index].mappings.properties ?? {};
    expect(properties.host).toEqual({ properties: { name: { type: 'keyword' }, ip: { type: 'ip' } } });
    const settings = await client.indices.getSettings({ index });
    expect(settings[index].settings?.index?.number_of_replicas).toBe('0');

    // dynamic: strict from the template rejects fields the mapping does not know.
    await expect(
      client.index({ index, document: { ...sampleAlerts()[0], unexpected: 'field' } }),
    ).rejects.toThrow(/strict_dynamic_mapping_exception/);
  });

  it('bulk-indexes documents that search then finds by keyword, range and full text', async () => {
    await client.indices.putIndexTemplate({ name: `${prefix}-alerts`, ...alertsTemplate });
    const index = `${prefix}-alerts-bulk`;
    const alerts = sampleAlerts();
    const bulk = await client.bulk({
      refresh: 'wait_for',
      operations: alerts.flatMap((alert, i) => [{ index: { _index: index, _id: `alert-${i}` } }, alert]),
    });
    expect(bulk.errors).toBe(false);
    expect(bulk.items).toHaveLength(alerts.length);

    const byRule = await client.count({ index, query: { term: { 'rule.id': 'r-psexec' } } });
    expect(byRule.count).toBe(alerts.filter((alert) => alert.rule.id === 'r-psexec').length);

    const risky = await client.search<AlertDoc>({
      index,
      size: 100,
      query: { bool: { filter: [{ range: { risk: { gte: 80 } } }, { term: { 'host.ip': '10.0.0.2' } }] } },
      sort: [{ '@timestamp': 'asc' }],
    });
    const expected = alerts.filter((alert) => alert.risk >= 80 && alert.host.ip === '10.0.0.2');
    expect(risky.hits.hits.map((hit) => hit._source?.message)).toEqual(expected.map((alert) => alert.message));

    const text = await client.search<AlertDoc>({ index, query: { match: { message: 'alert 42' } }, size: 1 });
    expect(text.hits.hits[0]._id).toBe('alert-42');
  });

  it('aggregates with terms, date histogram, cardinality and avg', async () => {
    await client.indices.putIndexTemplate({ name: `${prefix}-alerts`, ...alertsTemplate });
    const index = `${prefix}-alerts-aggs`;
    const alerts = sampleAlerts();
    await client.bulk({
      refresh: 'wait_for',
      operations: alerts.flatMap((alert) => [{ index: { _index: index } }, alert]),
    });

    const result = await client.search({
      index,
      size: 0,
      aggs: {
        by_rule: { terms: { field: 'rule.id', order: { _key: 'asc' } } },
        per_hour: { date_histogram: { field: '@timestamp', fixed_interval: '1h' } },
        hosts: { cardinality: { field: 'host.name' } },
        mean_risk: { avg: { field: 'risk' } },
      },
    });
    const aggs = result.aggregations as Record<string, any>;

    const ruleCounts = new Map<string, number>();
    for (const alert of alerts) ruleCounts.set(alert.rule.id, (ruleCounts.get(alert.rule.id) ?? 0) + 1);
    expect(aggs.by_rule.buckets.map((bucket: { key: string; doc_count: number }) => [bucket.key, bucket.doc_count])).toEqual(
      [...ruleCounts.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
    // 60 alerts, one every 3 minutes from midnight: 20 per hour over 3 hours.
    expect(aggs.per_hour.buckets.map((bucket: { doc_count: number }) => bucket.doc_count)).toEqual([20, 20, 20]);
    expect(aggs.hosts.value).toBe(new Set(alerts.map((alert) => alert.host.name)).size);
    expect(aggs.mean_risk.value).toBeCloseTo(alerts.reduce((sum, alert) => sum + alert.risk, 0) / alerts.length);
  });

  it('rolls a write alias over to a new index, and searches through it across both', async () => {
    await client.indices.putIndexTemplate({ name: `${prefix}-alerts`, ...alertsTemplate });
    const alias = `${prefix}-alerts-write`;
    const first = `${prefix}-alerts-000001`;
    await client.indices.create({ index: first, aliases: { [alias]: { is_write_index: true } } });
    const [a, b] = sampleAlerts();
    await client.index({ index: alias, document: a, refresh: 'wait_for' });

    const rollover = await client.indices.rollover({ alias });
    expect(rollover.rolled_over).toBe(true);
    expect(rollover.new_index).toBe(`${prefix}-alerts-000002`);
    await client.index({ index: alias, document: b, refresh: 'wait_for' });

    const hits = await client.search<AlertDoc>({ index: alias, sort: [{ '@timestamp': 'asc' }] });
    expect(hits.hits.hits.map((hit) => [hit._index, hit._source?.message])).toEqual([
      [first, a.message],
      [`${prefix}-alerts-000002`, b.message],
    ]);
  });
});
