// The distributed worker across a restart of the Kafka broker (same data, as an operator's restart): events
// produced before, during and after it become each expected alert exactly once.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CorrelationWorker } from '../../packages/runtime/src/distributed/correlation-worker.ts';
import { createJsonLogger } from '../../packages/runtime/src/distributed/json-logger.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { compareIds, createTopic, esClient, generateEvents, indexedAlertIds, kafkaClient, produceEvents, referenceAlerts, waitFor, workerConfig } from './service-fixtures.ts';

const kafkaScript = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/local/kafka.sh');
const runDir = inject('socleStackRunDir');
const kafka = kafkaClient();
const es = esClient();
let admin: Admin;
const dir = mkdtempSync(join(tmpdir(), 'socle-broker-restart-'));
const logs: string[] = [];
const logger = createJsonLogger((line) => logs.push(line));

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin.disconnect();
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!runDir)('distributed worker and a broker restart', () => {
  it('loses and duplicates nothing when the broker restarts mid-stream', async () => {
    const base = uniqueName('broker-restart');
    const n = { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic` };
    await createTopic(admin, n.topic, 2);
    const events = generateEvents(6000, 2, 31);
    const expected = referenceAlerts(n.topic, events, 2);
    const { config } = workerConfig(join(dir, 'worker'), n, { checkpointIntervalMs: 200, checkpointEveryEvents: 500 });
    const worker = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await worker.start();
    try {
      await produceEvents(kafka, n.topic, events.slice(0, 3000));
      expect(await waitFor(async () => (await indexedAlertIds(es, n.prefix)).size > 0, 30_000)).toBe(true);
      const restart = spawnSync('bash', [kafkaScript, 'restart'], { env: { ...process.env, SOCLE_STACK_RUN_DIR: runDir }, encoding: 'utf8', timeout: 180_000 });
      expect(restart.status, `kafka.sh restart: ${restart.stderr}`).toBe(0);
      await produceEvents(kafka, n.topic, events.slice(3000));
      expect(await waitFor(async () => compareIds(expected.keys(), await indexedAlertIds(es, n.prefix)).missing.length === 0, 90_000)).toBe(true);
    } finally {
      await worker.stop();
    }
    expect(compareIds(expected.keys(), await indexedAlertIds(es, n.prefix))).toEqual({ missing: [], unexpected: [], duplicated: [] });
  }, 300_000);
});
