// The distributed worker on the real local Kafka and Elasticsearch, in process: events in a topic become alerts
// searchable in Elasticsearch under their deterministic ids; an Elasticsearch outage and a consumer-group
// rebalance change nothing in the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrelationWorker } from '../../packages/runtime/src/distributed/correlation-worker.ts';
import { ElasticsearchAlertStore } from '../../packages/runtime/src/distributed/elasticsearch-alert-store.ts';
import { createJsonLogger } from '../../packages/runtime/src/distributed/json-logger.ts';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';
import {
  compareIds,
  createTopic,
  esClient,
  generateEvents,
  indexedAlertIds,
  kafkaClient,
  produceEvents,
  referenceAlerts,
  waitFor,
  workerConfig,
} from './service-fixtures.ts';
import { TcpProxy } from './tcp-proxy.ts';

const kafka = kafkaClient();
const es = esClient();
let admin: Admin;
const dir = mkdtempSync(join(tmpdir(), 'socle-worker-test-'));
const logs: string[] = [];
const logger = createJsonLogger((line) => logs.push(line));

function names(purpose: string) {
  const base = uniqueName(purpose);
  return { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic` };
}

async function allIndexed(prefix: string, expected: Iterable<string>): Promise<boolean> {
  const c = compareIds(expected, await indexedAlertIds(es, prefix));
  return c.missing.length === 0;
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('distributed worker', () => {
  it('turns events in a topic into alerts searchable in Elasticsearch under their ids', async () => {
    const n = names('e2e');
    await createTopic(admin, n.topic, 2);
    const events = generateEvents(3000, 2, 7);
    const expected = referenceAlerts(n.topic, events, 2);
    expect(expected.size).toBeGreaterThan(10);
    await produceEvents(kafka, n.topic, events);
    const { config } = workerConfig(join(dir, 'e2e'), n);
    const worker = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await worker.start();
    try {
      expect(await waitFor(() => allIndexed(n.prefix, expected.keys()), 45_000)).toBe(true);
    } finally {
      await worker.stop();
    }
    const c = compareIds(expected.keys(), await indexedAlertIds(es, n.prefix));
    expect(c).toEqual({ missing: [], unexpected: [], duplicated: [] });

    // The analysts' store answers from Elasticsearch: by rule, severity, user, free text, pages with a cursor.
    const store = new ElasticsearchAlertStore(es, n.prefix);
    const brute = [...expected.values()].filter((a) => a.rule.name === 'Brute force on one account');
    const byRule = await store.search({ rule: [brute[0].rule.id], size: 1000 });
    expect(byRule.total).toBe(brute.length);
    expect(new Set(byRule.alerts.map((a) => a.event.id))).toEqual(new Set(brute.map((a) => a.event.id)));
    const one = brute[0];
    const user = String(one.socle.correlation?.group['user.name']);
    const byUser = await store.search({ user: user.toUpperCase(), severity: ['high'] });
    expect(byUser.alerts.map((a) => a.event.id)).toContain(one.event.id);
    expect((await store.search({ q: user, rule: [one.rule.id] })).alerts.map((a) => a.event.id)).toContain(one.event.id);
    expect(await store.get(one.event.id)).toMatchObject({ event: { id: one.event.id }, rule: { id: one.rule.id } });
    const counts = await store.aggregate('severity');
    expect(counts.reduce((s, c) => s + c.count, 0)).toBe(expected.size);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.search({ size: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.alerts.map((a) => a.event.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(expected.size);
    expect(new Set(seen).size).toBe(expected.size);
  });

  it('loses nothing while Elasticsearch is unreachable for 30 s, and resumes by itself', async () => {
    const n = names('es-down');
    await createTopic(admin, n.topic, 2);
    const events = generateEvents(6000, 2, 11);
    const expected = referenceAlerts(n.topic, events, 2);
    const es0 = new URL(stackConnection().elasticsearchUrl);
    const proxy = new TcpProxy(es0.hostname, Number(es0.port));
    await proxy.up();
    const { config } = workerConfig(join(dir, 'es-down'), n, { esUrl: `http://127.0.0.1:${proxy.port}` });
    const worker = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await worker.start();
    try {
      await produceEvents(kafka, n.topic, events.slice(0, 2000));
      expect(await waitFor(async () => (await indexedAlertIds(es, n.prefix)).size > 0, 30_000)).toBe(true);
      await proxy.down();
      await produceEvents(kafka, n.topic, events.slice(2000));
      await new Promise((r) => setTimeout(r, 30_000));
      const during = (await indexedAlertIds(es, n.prefix)).size;
      expect(during).toBeLessThan(expected.size);
      expect(worker.ready).toBe(false);
      await proxy.up();
      expect(await waitFor(() => allIndexed(n.prefix, expected.keys()), 45_000)).toBe(true);
    } finally {
      await worker.stop();
      await proxy.down();
    }
    expect(compareIds(expected.keys(), await indexedAlertIds(es, n.prefix))).toEqual({ missing: [], unexpected: [], duplicated: [] });
    const metrics = await worker.metrics.registry.getSingleMetricAsString('socle_sink_retries_total');
    expect(metrics).toMatch(/socle_sink_retries_total [1-9]/);
  });

  it('gives the same alerts with two workers and a rebalance as one worker', async () => {
    const n = names('rebalance');
    await createTopic(admin, n.topic, 4);
    const events = generateEvents(12_000, 4, 23);
    const expected = referenceAlerts(n.topic, events, 4);
    const { config } = workerConfig(join(dir, 'rebalance'), n, { checkpointIntervalMs: 200, checkpointEveryEvents: 500 });
    const first = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    const second = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await first.start();
    try {
      await produceEvents(kafka, n.topic, events.slice(0, 5000));
      expect(await waitFor(async () => (await indexedAlertIds(es, n.prefix)).size > 0, 30_000)).toBe(true);
      await second.start(); // rebalance: partitions move to the second worker with their checkpoints
      await produceEvents(kafka, n.topic, events.slice(5000, 9000));
      await new Promise((r) => setTimeout(r, 2000));
      await first.stop(); // rebalance again: the second worker takes everything
      await produceEvents(kafka, n.topic, events.slice(9000));
      expect(await waitFor(() => allIndexed(n.prefix, expected.keys()), 50_000)).toBe(true);
    } finally {
      await first.stop();
      await second.stop();
    }
    expect(compareIds(expected.keys(), await indexedAlertIds(es, n.prefix))).toEqual({ missing: [], unexpected: [], duplicated: [] });
    const opened = logs.filter((l) => l.includes('"partition opened"') && l.includes(n.topic) && !l.includes('"checkpoint":null'));
    expect(opened.length).toBeGreaterThan(0); // some partition really moved with its checkpoint
  }, 120_000);
});
