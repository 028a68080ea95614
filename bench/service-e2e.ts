// Benchmark: Kafka events topic -> distributed correlation worker (one engine per partition) -> alerts topic +
// Elasticsearch, all on this machine. Two phases, each on fresh topics, group and indices:
//   1. throughput: --events pre-produced events; events/s from worker start until every expected alert is searchable
//   2. latency: events produced at --rate events/s for --seconds; per alert, time from its event being
//      acknowledged by Kafka to the alert being searchable in Elasticsearch (refresh_interval 1s included)
//
//   deploy/local/stack.sh start
//   pnpm exec tsx bench/service-e2e.ts [--events 200000] [--partitions 4] [--rate 2000] [--seconds 20]
//
// Environment: SOCLE_BENCH_KAFKA_BROKERS (default 127.0.0.1:19092), SOCLE_BENCH_ES_URL (default http://127.0.0.1:19200).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { createEngine } from '@socle/core';
import { Kafka, logLevel } from 'kafkajs';
import { CorrelationWorker } from '../packages/runtime/src/distributed/correlation-worker.ts';
import { createJsonLogger } from '../packages/runtime/src/distributed/json-logger.ts';
import { serviceConfigSchema } from '../packages/runtime/src/distributed/service-config.ts';
import { generateEvents, RULES, type PlacedEvent } from '../test/service/service-events.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    partitions: { type: 'string', default: '4' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
  },
});
const partitions = Number(values.partitions);
const brokers = (process.env.SOCLE_BENCH_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const esUrl = process.env.SOCLE_BENCH_ES_URL ?? 'http://127.0.0.1:19200';
const kafka = new Kafka({ clientId: 'socle-bench', brokers, logLevel: logLevel.NOTHING });
const es = new Client({ node: esUrl });
const dir = mkdtempSync(join(tmpdir(), 'socle-bench-'));
writeFileSync(join(dir, 'rules.yml'), RULES);
const warnings: string[] = [];
const logger = createJsonLogger((line) => {
  if (!line.includes('"level":"info"')) warnings.push(line);
});

function names(phase: string) {
  const base = `socle-bench-${phase}-${Date.now().toString(36)}`;
  return { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic` };
}

function worker(n: ReturnType<typeof names>): CorrelationWorker {
  const config = serviceConfigSchema.parse({
    kafka: { brokers, group: n.group, topics: { events: [n.topic], alerts: n.alerts, state: n.state } },
    elasticsearch: { url: esUrl, indexPrefix: n.prefix },
    rules: [join(dir, 'rules.yml')],
    checkpoint: { intervalMs: 5000, everyEvents: 50_000 },
  });
  return new CorrelationWorker({ config, logger, serveMetrics: false, retention: false });
}

/** Alert ids each event produces in an uninterrupted per-partition run (refs topic/partition/offset). */
function expectedAlerts(topic: string, events: PlacedEvent[]): string[][] {
  const engines = Array.from({ length: partitions }, () => createEngine({ rules: [{ text: RULES }] }));
  const offsets = new Array<number>(partitions).fill(0);
  return events.map(({ event, partition }) => engines[partition].process(event, { id: `${topic}/${partition}/${offsets[partition]++}` }).map((a) => a.event.id));
}

async function produce(topic: string, events: PlacedEvent[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < events.length; i += 5000) {
    await producer.send({ topic, acks: -1, messages: events.slice(i, i + 5000).map(({ event, partition }) => ({ partition, value: JSON.stringify(event) })) });
  }
  await producer.disconnect();
}

async function countIndexed(prefix: string): Promise<number> {
  try {
    await es.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
    return (await es.count({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true })).count;
  } catch {
    return 0; // a new index whose shard is not started yet
  }
}

async function throughput(total: number): Promise<{ events: number; alerts: number; seconds: number }> {
  const n = names('throughput');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: n.topic, numPartitions: partitions }] });
  await admin.disconnect();
  const events = generateEvents(total, partitions, 5);
  const alerts = new Set(expectedAlerts(n.topic, events).flat()).size;
  await produce(n.topic, events);
  const w = worker(n);
  const started = performance.now();
  await w.start();
  while ((await countIndexed(n.prefix)) < alerts) await new Promise((r) => setTimeout(r, 200));
  const seconds = (performance.now() - started) / 1000;
  await w.stop();
  return { events: total, alerts, seconds };
}

async function latency(rate: number, seconds: number): Promise<number[]> {
  const n = names('latency');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: n.topic, numPartitions: partitions }] });
  await admin.disconnect();
  const events = generateEvents(rate * seconds, partitions, 9);
  const perEvent = expectedAlerts(n.topic, events);
  const w = worker(n);
  await w.start();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const producedAt = new Map<string, number>();
  const tickMs = 50;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const latencies: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling || producedAt.size > 0) {
      const pending = [...producedAt.keys()].slice(0, 1000);
      if (pending.length > 0) {
        // A new daily index answers "no shard available" for a moment after its creation: poll again.
        const r = await es
          .search({ index: `${n.prefix}-*`, allow_no_indices: true, ignore_unavailable: true, size: pending.length, _source: false, query: { ids: { values: pending } } })
          .catch(() => ({ hits: { hits: [] as { _id?: string }[] } }));
        const now = performance.now();
        for (const h of r.hits.hits) {
          const t = producedAt.get(h._id ?? '');
          if (t !== undefined) {
            latencies.push(now - t);
            producedAt.delete(h._id ?? '');
          }
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const start = performance.now();
  for (let i = 0, tick = 0; i < events.length; i += perTick, tick++) {
    const wait = start + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const slice = events.slice(i, i + perTick);
    await producer.send({ topic: n.topic, acks: -1, messages: slice.map(({ event, partition }) => ({ partition, value: JSON.stringify(event) })) });
    const acked = performance.now();
    for (let j = i; j < i + slice.length; j++) for (const id of perEvent[j]) if (!producedAt.has(id)) producedAt.set(id, acked);
  }
  polling = false;
  const deadline = performance.now() + 30_000;
  while (producedAt.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const lost = producedAt.size;
  producedAt.clear();
  await poller;
  await producer.disconnect();
  await w.stop();
  if (lost) warnings.push(`latency phase: ${lost} alerts not searchable after 30 s`);
  return latencies.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

try {
  const t = await throughput(Number(values.events));
  const l = await latency(Number(values.rate), Number(values.seconds));
  const result = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => Number(x.toFixed(2))) },
    throughput: { events: t.events, alerts: t.alerts, seconds: Number(t.seconds.toFixed(2)), eventsPerSecond: Math.round(t.events / t.seconds) },
    latency: { rate: Number(values.rate), seconds: Number(values.seconds), alerts: l.length, p50Ms: Math.round(pct(l, 50)), p99Ms: Math.round(pct(l, 99)), maxMs: Math.round(l[l.length - 1] ?? NaN) },
    warnings: warnings.slice(0, 10),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await es.close();
  rmSync(dir, { recursive: true, force: true });
}
