// Hot reload of `socle serve` on the real Kafka and Elasticsearch: POST /admin/reload with an admin token swaps the
// rule set on the running worker; the correlation window of an unchanged rule carries over, an added rule fires.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SocleEvent } from '@socle/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTokenStore } from '../../packages/api/src/access/token-store.ts';
import { CorrelationWorker } from '../../packages/runtime/src/distributed/correlation-worker.ts';
import { ElasticsearchAlertStore } from '../../packages/runtime/src/distributed/elasticsearch-alert-store.ts';
import { createJsonLogger } from '../../packages/runtime/src/distributed/json-logger.ts';
import { startServeApi } from '../../packages/runtime/src/distributed/serve-api.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { createTopic, esClient, kafkaClient, RULES, waitFor, workerConfig } from './service-fixtures.ts';

const kafka = kafkaClient();
const es = esClient();
const dir = mkdtempSync(join(tmpdir(), 'socle-reload-test-'));
const logs: string[] = [];
const logger = createJsonLogger((line) => logs.push(line));

afterAll(async () => {
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});

const ADDED_RULE = `
---
title: Login from the jump host
id: 7f1d2c3a-0004-4000-8000-000000000004
status: test
logsource: {category: authentication}
detection:
  selection:
    source.ip: 10.9.9.9
  condition: selection
level: high
`;

function authEvent(second: number, user: string, action: string, ip = '10.0.0.1'): SocleEvent {
  return {
    '@timestamp': `2026-03-14T10:00:${String(second).padStart(2, '0')}Z`,
    event: { action, category: ['authentication'] },
    user: { name: user },
    source: { ip },
    organization: { id: 'acme' },
  };
}

async function produce(topic: string, events: SocleEvent[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: events.map((e) => ({ partition: 0, value: JSON.stringify(e) })) });
  } finally {
    await producer.disconnect();
  }
}

describe('socle serve hot reload', () => {
  it('reloads on POST /admin/reload (central admin token only), keeping the open windows of unchanged rules', async () => {
    const base = uniqueName('reload');
    const n = { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic` };
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, n.topic, 1);
    await admin.disconnect();
    const { config } = workerConfig(join(dir, 'w'), n);
    const rulesFile = config.rules[0]!;

    const tokens = new FileTokenStore(join(dir, 'tokens.json'));
    const expiresAt = '2099-01-01T00:00:00Z';
    const adminToken = tokens.create({ layer: 2, organizations: ['acme'], role: 'admin', central: true, expiresAt, createdBy: 'test' }).token;
    const analystToken = tokens.create({ layer: 2, organizations: ['acme'], role: 'analyst', expiresAt, createdBy: 'test' }).token;

    const worker = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false, watchRules: false });
    await worker.start();
    const store = new ElasticsearchAlertStore(worker.elasticsearch, n.prefix);
    const api = await startServeApi({
      api: { listen: '127.0.0.1:0', tokens: join(dir, 'tokens.json'), audit: join(dir, 'audit.ndjson') },
      store,
      reload: () => worker.reloadRules('admin'),
      logger,
    });
    const rulesIndexed = async (name: string) => {
      await es.indices.refresh({ index: `${n.prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
      return (await store.search({ size: 100 })).alerts.filter((a) => a.rule.name === name);
    };
    try {
      // Three failures for carol (below the brute-force threshold of 5), then a root login to know they were processed.
      await produce(n.topic, [authEvent(1, 'carol', 'login_failed'), authEvent(2, 'carol', 'login_failed'), authEvent(3, 'carol', 'login_failed'), authEvent(4, 'root', 'login_success')]);
      expect(await waitFor(async () => (await rulesIndexed('Login as root')).length === 1, 45_000)).toBe(true);

      writeFileSync(rulesFile, RULES + ADDED_RULE);
      const post = (token: string) => fetch(`${api.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
      expect((await post(analystToken)).status).toBe(403);
      const applied = await post(adminToken);
      expect(applied.status).toBe(200);
      const result = (await applied.json()) as { status: string; loaded: number; state: { kept: string[]; added: string[]; reset: string[] } };
      expect(result).toMatchObject({ status: 'applied', loaded: 4 });
      expect(result.state.added).toEqual(['7f1d2c3a-0004-4000-8000-000000000004']);
      expect(result.state.kept).toHaveLength(3);
      expect(result.state.reset).toEqual([]);

      // Two more failures complete carol's window opened before the reload; the added rule fires.
      await produce(n.topic, [authEvent(5, 'carol', 'login_failed'), authEvent(6, 'carol', 'login_failed'), authEvent(7, 'dave', 'login_success', '10.9.9.9')]);
      expect(await waitFor(async () => (await rulesIndexed('Login from the jump host')).length === 1, 45_000)).toBe(true);
      expect(await waitFor(async () => (await rulesIndexed('Brute force on one account')).length === 1, 15_000)).toBe(true);

      // A broken rule file is refused and the running set stays.
      writeFileSync(rulesFile, RULES + ADDED_RULE + '\n---\ntitle: Broken\nid: 7f1d2c3a-0005-4000-8000-000000000005\nlogsource: {category: authentication}\ndetection: {condition: nothing}\n');
      const refused = await post(adminToken);
      expect(refused.status).toBe(422);
      expect(((await refused.json()) as { rejections: { new: boolean; id?: string }[] }).rejections.filter((r) => r.new).map((r) => r.id)).toEqual(['7f1d2c3a-0005-4000-8000-000000000005']);
    } finally {
      await api.close();
      await worker.stop();
    }
  });
});
