// Fault injection on the distributed worker (real Kafka and Elasticsearch, in process): poison records, a corrupt
// checkpoint, a quiet partition and a caught-up one. Each used to stall a partition or leave no trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Alert, type SocleEvent } from '@socle/core';
import type { Admin, IHeaders, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorrelationWorker } from '../../packages/runtime/src/distributed/correlation-worker.ts';
import { createJsonLogger } from '../../packages/runtime/src/distributed/json-logger.ts';
import { replayServiceDeadLetters } from '../../packages/runtime/src/dead-letters/replay-dead-letters.ts';
import type { ServiceConfig } from '../../packages/runtime/src/distributed/service-config.ts';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { TcpProxy } from './tcp-proxy.ts';
import { RULES, compareIds, createTopic, esClient, generateEvents, indexedAlertIds, kafkaClient, waitFor, workerConfig } from './service-fixtures.ts';

const kafka = kafkaClient();
const es = esClient();
let admin: Admin;
const dir = mkdtempSync(join(tmpdir(), 'socle-self-healing-'));
const logs: string[] = [];
const logger = createJsonLogger((line) => logs.push(line));

function names(purpose: string) {
  const base = uniqueName(purpose);
  return { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic`, deadLetters: `${base}-dlq` };
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

/** A message as produced: a value (bytes, or null) to one partition. */
interface Produced {
  partition: number;
  value: Buffer | null;
  key?: string;
}

/** Alerts of one uninterrupted engine per partition over the readable events; other messages only take an offset. */
function reference(topic: string, messages: Produced[], partitions: number, rules = RULES): Map<string, Alert> {
  const engines = Array.from({ length: partitions }, () => createEngine({ rules: [{ text: rules, file: 'rules.yml' }] }));
  const offsets = new Array<number>(partitions).fill(0);
  const out = new Map<string, Alert>();
  for (const m of messages) {
    const ref = { id: `${topic}/${m.partition}/${offsets[m.partition]++}` };
    let event: SocleEvent | undefined;
    try {
      const parsed: unknown = m.value && m.value.byteLength < 64 * 1024 ? JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(m.value)) : undefined;
      event = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && (parsed as SocleEvent)['@timestamp'] !== 1e20 ? (parsed as SocleEvent) : undefined;
    } catch {
      event = undefined;
    }
    if (event) for (const a of engines[m.partition].process(event, ref)) out.set(a.event.id, a);
  }
  return out;
}

async function produce(topic: string, messages: Produced[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000).map((m) => ({ partition: m.partition, key: m.key ?? null, value: m.value })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every message of a topic (one read from the start to the current end). */
async function readTopic(topic: string): Promise<(KafkaMessage & { partition: number })[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const pending = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
  const out: (KafkaMessage & { partition: number })[] = [];
  if (pending.size === 0) return out;
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        out.push({ ...message, partition });
        if (BigInt(message.offset) + 1n >= (pending.get(partition) ?? 0n)) {
          pending.delete(partition);
          if (pending.size === 0) resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}

const header = (h: IHeaders | undefined, name: string): string | undefined => h?.[name]?.toString();

async function allIndexed(prefix: string, expected: Iterable<string>): Promise<boolean> {
  return compareIds(expected, await indexedAlertIds(es, prefix)).missing.length === 0;
}

async function committedOffsets(group: string, topic: string): Promise<string[]> {
  const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return t.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
}

async function endOffsets(topic: string): Promise<string[]> {
  return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => p.high);
}

function withConfig(config: ServiceConfig, change: (c: ServiceConfig) => void): ServiceConfig {
  const copy = structuredClone(config);
  change(copy);
  return copy;
}

const ABSENCE_RULES = `${RULES}---
title: Backup started
id: 7f1d2c3a-0004-4000-8000-000000000004
name: backup_started
status: test
logsource: {category: process}
detection: {selection: {event.action: backup_started}, condition: selection}
level: informational
---
title: Backup finished
id: 7f1d2c3a-0005-4000-8000-000000000005
name: backup_finished
status: test
logsource: {category: process}
detection: {selection: {event.action: backup_finished}, condition: selection}
level: informational
---
title: Backup never finished
id: 7f1d2c3a-0006-4000-8000-000000000006
status: test
correlation:
  type: temporal_ordered
  rules: [backup_started, backup_finished]
  group-by: [host.name]
  timespan: 2s
  condition: backup_started and not backup_finished
level: high
`;

const ABSENCE_RULE_ID = '7f1d2c3a-0006-4000-8000-000000000006';
const backupStarted = (host: string): Produced => ({ partition: 1, value: Buffer.from(JSON.stringify({ '@timestamp': new Date().toISOString(), event: { action: 'backup_started', category: ['process'] }, host: { name: host } })) });

describe('self-healing distributed worker', () => {
  it('dead-letters poison messages with their bytes and reason, counts them, and moves on', async () => {
    const n = names('poison');
    await createTopic(admin, n.topic, 1);
    const json = (e: SocleEvent): Produced => ({ partition: 0, value: Buffer.from(JSON.stringify(e)), key: 'k' });
    const good = generateEvents(1200, 1, 5).map(({ event }) => json(event));
    const poison: Produced[] = [
      json({ '@timestamp': 1e20, event: { action: 'login_success', category: ['authentication'] }, user: { name: 'root' }, organization: { id: 'acme' } }),
      { partition: 0, value: Buffer.from('{"event": {"action": "login_failed"'), key: 'k' },
      { partition: 0, value: Buffer.from('[1, 2, 3]'), key: 'k' },
      { partition: 0, value: Buffer.from('"just a string"'), key: 'k' },
      { partition: 0, value: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), key: 'k' },
      { partition: 0, value: null, key: 'k' },
      { partition: 0, value: Buffer.from(JSON.stringify({ pad: 'x'.repeat(100 * 1024) })), key: 'k' },
    ];
    const messages = [...good.slice(0, 600), ...poison, ...good.slice(600)];
    const expected = reference(n.topic, messages, 1);
    expect(expected.size).toBeGreaterThan(5);
    await produce(n.topic, messages);
    const { config } = workerConfig(join(dir, 'poison'), n);
    const worker = new CorrelationWorker({ config: withConfig(config, (c) => (c.kafka.maxEventBytes = 64 * 1024)), logger, serveMetrics: false, retention: false });
    await worker.start();
    try {
      const done = await waitFor(() => allIndexed(n.prefix, expected.keys()), 45_000);
      expect(done, `${JSON.stringify(compareIds(expected.keys(), await indexedAlertIds(es, n.prefix))).slice(0, 500)}\n${logs.filter((l) => l.includes(n.topic)).slice(-8).join('\n')}`).toBe(true);
    } finally {
      await worker.stop();
    }
    expect(compareIds(expected.keys(), await indexedAlertIds(es, n.prefix))).toEqual({ missing: [], unexpected: [], duplicated: [] });
    expect(await committedOffsets(n.group, n.topic)).toEqual(await endOffsets(n.topic)); // the stream moved past them

    const letters = await readTopic(n.deadLetters);
    const byOffset = new Map(letters.map((m) => [header(m.headers, 'socle-dlq-offset'), m]));
    expect(letters.length).toBe(poison.length);
    const reasons = poison.map((_, i) => {
      const m = byOffset.get(String(600 + i));
      expect(m, `dead letter of offset ${600 + i}`).toBeDefined();
      expect(header(m!.headers, 'socle-dlq-topic')).toBe(n.topic);
      expect(header(m!.headers, 'socle-dlq-partition')).toBe('0');
      expect(m!.value === null ? null : Buffer.from(m!.value)).toEqual(poison[i].value); // raw bytes untouched
      expect(m!.key?.toString()).toBe('k');
      return `${header(m!.headers, 'socle-dlq-stage')}/${header(m!.headers, 'socle-dlq-reason')}`;
    });
    // 1e20: 'time-out-of-range' where the engine refuses it with InvalidEventError, else the RangeError it throws.
    expect(reasons[0]).toMatch(/^evaluate\/(time-out-of-range|engine-error)$/);
    expect(reasons.slice(1)).toEqual(['decode/invalid-json', 'decode/not-an-object', 'decode/not-an-object', 'decode/invalid-utf8', 'decode/null-value', 'decode/too-large']);

    const metrics = await worker.metrics.registry.getSingleMetricAsString('socle_dead_letters_total');
    expect(metrics).toContain('socle_dead_letters_total{stage="decode",reason="not-an-object"} 2');
    expect(metrics).toContain('socle_dead_letters_total{stage="decode",reason="too-large"} 1');
    expect((worker.health().deadLetters as Record<string, number>)['decode/invalid-utf8']).toBe(1);

    // socle dlq replay: a dry run counts, a replay produces the chosen ones with their key and bytes, once.
    const replayTo = `${n.topic}-replayed`;
    await createTopic(admin, replayTo, 1);
    const filter = { stages: ['decode'], reasons: ['not-an-object', 'invalid-json'] };
    expect(await replayServiceDeadLetters(config, filter, { to: replayTo, dryRun: true })).toMatchObject({ read: 7, replayed: 3, skipped: 4 });
    expect(await replayServiceDeadLetters(config, filter, { to: replayTo })).toMatchObject({ read: 7, replayed: 3, byReason: { 'decode/not-an-object': 2, 'decode/invalid-json': 1 } });
    expect((await replayServiceDeadLetters(config, filter, { to: replayTo })).read).toBe(0); // remembered
    const replayed = await readTopic(replayTo);
    expect(replayed.map((m) => m.value?.toString())).toEqual([poison[1], poison[2], poison[3]].map((p) => p.value?.toString()));
    expect(replayed.every((m) => m.key?.toString() === 'k' && header(m.headers, 'socle-replayed-from')?.startsWith(`${n.deadLetters}/0/`))).toBe(true);

    // The alerts topic is a table of alerts by id: compacted.
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: n.alerts, configNames: ['cleanup.policy'] }] });
    expect(described.resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
  });

  it('falls back to an older checkpoint, or rebuilds from a look-back, when checkpoints are garbage', async () => {
    const n = names('corrupt');
    await createTopic(admin, n.topic, 2);
    const events = generateEvents(6000, 2, 17);
    const messages = events.map(({ event, partition }) => ({ partition, value: Buffer.from(JSON.stringify(event)), key: String((event.user as { name: string }).name) }));
    const expected = reference(n.topic, messages, 2);
    const { config } = workerConfig(join(dir, 'corrupt'), n, { checkpointIntervalMs: 100, checkpointEveryEvents: 300 });
    const first = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await first.start();
    try {
      // In three parts, so that each partition has several checkpoints.
      for (const end of [1000, 2000, 3000]) {
        await produce(n.topic, messages.slice(end - 1000, end));
        const upTo = reference(n.topic, messages.slice(0, end), 2);
        expect(await waitFor(() => allIndexed(n.prefix, upTo.keys()), 45_000)).toBe(true);
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await first.stop(); // a last checkpoint of each partition at its end
    }
    // Partition 0: its newest checkpoint overwritten with garbage. Partition 1: every one of them.
    const state = (await readTopic(n.state)).filter((m) => m.key?.toString().startsWith(`${n.group}/${n.topic}/`));
    const latestByKey = new Map(state.map((m) => [m.key!.toString(), m]));
    const keysOf = (p: number) => [...latestByKey.keys()].filter((k) => k.startsWith(`${n.group}/${n.topic}/${p}#`));
    expect(keysOf(0).length).toBeGreaterThanOrEqual(2);
    const newest0 = [...latestByKey.values()].filter((m) => m.key!.toString().startsWith(`${n.group}/${n.topic}/0#`)).sort((a, b) => Number(BigInt(b.offset) - BigInt(a.offset)))[0];
    const garbage = (key: string, offset: string) => ({ key, value: Buffer.from('garbage, not a snapshot'), headers: { 'socle-offset': offset } });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: n.state, acks: -1, messages: [garbage(newest0.key!.toString(), header(newest0.headers, 'socle-offset')!), ...keysOf(1).map((k) => garbage(k, header(latestByKey.get(k)!.headers, 'socle-offset')!))] });
    await producer.disconnect();

    await produce(n.topic, messages.slice(3000));
    const second = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await second.start();
    try {
      expect(await waitFor(() => allIndexed(n.prefix, expected.keys()), 45_000), logs.filter((l) => l.includes(n.topic)).slice(-5).join('\n')).toBe(true);
    } finally {
      await second.stop();
    }
    expect(compareIds(expected.keys(), await indexedAlertIds(es, n.prefix))).toEqual({ missing: [], unexpected: [], duplicated: [] });
    const unreadable = logs.filter((l) => l.includes('"checkpoint unreadable"') && l.includes(n.topic));
    expect(unreadable.length).toBe(1 + keysOf(1).length);
    expect(logs.some((l) => l.includes('"no readable checkpoint: starting with an empty engine"') && l.includes(n.topic) && l.includes('"policy":"rebuild"'))).toBe(true);
    const metric = await second.metrics.registry.getSingleMetricAsString('socle_checkpoints_unreadable_total');
    expect(metric).toContain('partition="0"} 1');
    expect(await committedOffsets(n.group, n.topic)).toEqual(await endOffsets(n.topic));
  });

  it('checkpoints and commits a caught-up partition on time, and fires an absence on a quiet one', async () => {
    const n = names('idle');
    await createTopic(admin, n.topic, 2);
    const { config } = workerConfig(join(dir, 'idle'), n, { checkpointIntervalMs: 500, checkpointEveryEvents: 1_000_000 });
    writeFileSync(config.rules[0], ABSENCE_RULES);
    const alerts: Alert[] = [];
    const worker = new CorrelationWorker({ config: withConfig(config, (c) => (c.watermark.idleAdvanceMs = 300)), logger, serveMetrics: false, retention: false, onAlerts: (a) => alerts.push(...a) });
    await worker.start();
    try {
      // Partition 0: a few hundred events, then nothing. Partition 1: one backup that never finishes, then nothing.
      const events = generateEvents(400, 1, 3).map(({ event }) => ({ partition: 0, value: Buffer.from(JSON.stringify(event)) }));
      await produce(n.topic, events);
      await produce(n.topic, [backupStarted('db-1')]);
      // Committed within the interval although no batch followed (everyEvents is out of reach).
      expect(await waitFor(async () => JSON.stringify(await committedOffsets(n.group, n.topic)) === JSON.stringify(await endOffsets(n.topic)), 20_000, 250)).toBe(true);
      const absent = async () => [...(await indexedAlertIds(es, n.prefix)).keys()].filter((id) => alerts.some((a) => a.event.id === id && a.rule.id === ABSENCE_RULE_ID));
      expect(await waitFor(async () => (await absent()).length === 1, 20_000)).toBe(true);
      const health = worker.health().partitions as { partition: number; lag?: number; stalled: boolean; checkpointed?: string; next?: string }[];
      expect(health.map((p) => [p.partition, p.lag, p.stalled, p.checkpointed === p.next])).toEqual(expect.arrayContaining([[0, 0, false, true], [1, 0, false, true]]));
      expect(worker.ready).toBe(true);
    } finally {
      await worker.stop();
    }
  });

  it('closes the absence window of a partition that stays quiet after a restart', async () => {
    const n = names('quiet-restart');
    await createTopic(admin, n.topic, 2);
    const { config } = workerConfig(join(dir, 'quiet-restart'), n, { checkpointIntervalMs: 300 });
    writeFileSync(config.rules[0], ABSENCE_RULES.replace('timespan: 2s', 'timespan: 4s'));
    // First worker: no wall-clock watermark; it checkpoints the open window and stops.
    const first = new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
    await first.start();
    try {
      await produce(n.topic, [backupStarted('db-2')]);
      expect(await waitFor(async () => (await committedOffsets(n.group, n.topic))[1] === '1', 20_000, 200)).toBe(true);
    } finally {
      await first.stop();
    }
    // Second worker: nothing new arrives on the partition, yet the window closes on the wall clock.
    const alerts: Alert[] = [];
    const second = new CorrelationWorker({ config: withConfig(config, (c) => (c.watermark.idleAdvanceMs = 300)), logger, serveMetrics: false, retention: false, onAlerts: (a) => alerts.push(...a) });
    await second.start();
    try {
      expect(await waitFor(async () => alerts.some((a) => a.rule.id === ABSENCE_RULE_ID), 20_000, 200), logs.filter((l) => l.includes(n.topic)).slice(-6).join('\n')).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('reports a partition that has input but does not advance as stalled, and is not ready meanwhile', async () => {
    const n = names('stall');
    await createTopic(admin, n.topic, 1);
    const es0 = new URL(stackConnection().elasticsearchUrl);
    const proxy = new TcpProxy(es0.hostname, Number(es0.port));
    await proxy.up();
    const { config } = workerConfig(join(dir, 'stall'), n, { esUrl: `http://127.0.0.1:${proxy.port}` });
    const worker = new CorrelationWorker({ config: withConfig(config, (c) => (c.health.stallAfterMs = 1000)), logger, serveMetrics: false, retention: false });
    await worker.start();
    const stalled = () => (worker.health().partitions as { stalled: boolean; lag?: number }[]).filter((p) => p.stalled).length;
    try {
      const events = generateEvents(600, 1, 9).map(({ event }) => ({ partition: 0, value: Buffer.from(JSON.stringify(event)) }));
      await produce(n.topic, events.slice(0, 300));
      expect(await waitFor(async () => (worker.health().partitions as { lag?: number }[])[0]?.lag === 0, 30_000, 200)).toBe(true);
      expect(stalled()).toBe(0);
      await proxy.down(); // the partition's alerts cannot be delivered: it stops advancing with input waiting
      await produce(n.topic, events.slice(300));
      expect(await waitFor(async () => stalled() === 1, 30_000, 200)).toBe(true);
      expect(worker.ready).toBe(false);
      expect(await waitFor(async () => /socle_stalled_partitions 1/.test(await worker.metrics.registry.getSingleMetricAsString('socle_stalled_partitions')), 5_000, 100)).toBe(true);
      await proxy.up();
      expect(await waitFor(async () => stalled() === 0 && worker.ready, 45_000, 200)).toBe(true);
    } finally {
      await worker.stop();
      await proxy.down();
    }
  });
});

