// Crash test: `socle serve` as a child process over 100k events, killed with SIGKILL at random points several
// times and restarted; in the end every alert of an uninterrupted run is in Elasticsearch exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { stackConnection } from '../setup/stack-connection.ts';
import { uniqueName } from '../setup/unique-name.ts';
import { compareIds, createTopic, esClient, generateEvents, indexedAlertIds, kafkaClient, produceEvents, random, referenceAlerts, waitFor, workerConfig } from './service-fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'socle-crash-test-'));
const es = esClient();
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await es.close();
  rmSync(dir, { recursive: true, force: true });
});

async function countIndexed(prefix: string): Promise<number> {
  await es.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true });
  return (await es.count({ index: `${prefix}-*`, allow_no_indices: true, ignore_unavailable: true })).count;
}

interface Worker {
  child: ChildProcess;
  log: string[];
  exited: Promise<number | null>;
}

function startWorker(configFile: string): Worker {
  const { kafkaBrokers, elasticsearchUrl } = stackConnection();
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/service/worker-process.ts'), configFile], {
    cwd: root,
    env: { ...process.env, SOCLE_KAFKA_BROKERS: kafkaBrokers.join(','), SOCLE_ES_URL: elasticsearchUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  const log: string[] = [];
  let rest = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    log.push(...lines);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => (children.delete(child), r(code))));
  return { child, log, exited };
}

it('loses and duplicates no alert when the worker is killed -9 and restarted several times', async () => {
  const base = uniqueName('crash');
  const n = { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic` };
  const kafka = kafkaClient();
  const admin = kafka.admin();
  await admin.connect();
  await createTopic(admin, n.topic, 4);
  await admin.disconnect();
  const events = generateEvents(100_000, 4, 1234);
  const expected = referenceAlerts(n.topic, events, 4);
  await produceEvents(kafka, n.topic, events);
  const { file } = workerConfig(join(dir, 'crash'), n, { checkpointIntervalMs: 300, checkpointEveryEvents: 4000 });

  const next = random(99);
  let restoredFromCheckpoint = 0;
  const indexedAtKill: number[] = [];
  for (let kill = 0; kill < 3; kill++) {
    const worker = startWorker(file);
    // Kill it at a random point of the stream: once a random share of the expected alerts is searchable.
    const killAt = Math.floor(expected.size * ((kill + 0.2 + 0.6 * next()) / 4));
    expect(await waitFor(async () => (await countIndexed(n.prefix)) >= killAt, 60_000, 50), worker.log.slice(-5).join('\n')).toBe(true);
    worker.child.kill('SIGKILL');
    await worker.exited;
    indexedAtKill.push((await indexedAlertIds(es, n.prefix)).size);
    restoredFromCheckpoint += worker.log.filter((l) => l.includes('"partition opened"') && !l.includes('"checkpoint":null')).length;
  }
  const last = startWorker(file);
  try {
    // SIGTERM only once the command handles it (before that, Node's default action kills the process).
    expect(await waitFor(async () => last.log.some((l) => l.includes('"worker started"')), 40_000, 100)).toBe(true);
    const done = await waitFor(async () => compareIds(expected.keys(), await indexedAlertIds(es, n.prefix)).missing.length === 0, 120_000, 1000);
    expect(done, last.log.slice(-20).join('\n')).toBe(true);
  } finally {
    last.child.kill('SIGTERM');
  }
  expect(await last.exited).toBe(0); // graceful shutdown on SIGTERM
  restoredFromCheckpoint += last.log.filter((l) => l.includes('"partition opened"') && !l.includes('"checkpoint":null')).length;
  expect(last.log.some((l) => l.includes('"stopped"'))).toBe(true);

  const indexed = await indexedAlertIds(es, n.prefix);
  expect(indexed.size).toBe(expected.size);
  expect(compareIds(expected.keys(), indexed)).toEqual({ missing: [], unexpected: [], duplicated: [] });
  expect(restoredFromCheckpoint).toBeGreaterThan(0);
  // The kills landed mid-stream, not after the work was done.
  expect(Math.max(...indexedAtKill), `alerts indexed at each kill: ${indexedAtKill.join(', ')} of ${expected.size}`).toBeLessThan(expected.size);
}, 300_000);

it('replays nothing after a kill -9 once a caught-up worker had one checkpoint interval: the stated bound', async () => {
  const base = uniqueName('bound');
  const n = { topic: `${base}-events`, group: `${base}-group`, prefix: `${base}-alerts`, state: `${base}-state`, alerts: `${base}-alerts-topic` };
  const kafka = kafkaClient();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await createTopic(admin, n.topic, 2);
    const events = generateEvents(4000, 2, 77);
    const expected = referenceAlerts(n.topic, events, 2);
    await produceEvents(kafka, n.topic, events);
    // everyEvents out of reach: only the interval can checkpoint the caught-up partitions.
    const { file } = workerConfig(join(dir, 'bound'), n, { checkpointIntervalMs: 1000, checkpointEveryEvents: 1_000_000 });
    const ends = (await admin.fetchTopicOffsets(n.topic)).sort((a, b) => a.partition - b.partition).map((p) => p.high);
    const committed = async () => (await admin.fetchOffsets({ groupId: n.group, topics: [n.topic] }))[0].partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
    const first = startWorker(file);
    expect(await waitFor(async () => compareIds(expected.keys(), await indexedAlertIds(es, n.prefix)).missing.length === 0, 60_000), first.log.slice(-5).join('\n')).toBe(true);
    expect(await waitFor(async () => JSON.stringify(await committed()) === JSON.stringify(ends), 10_000, 200)).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startWorker(file);
    try {
      expect(await waitFor(async () => second.log.some((l) => l.includes('"worker started"')), 40_000, 100)).toBe(true);
      await produceEvents(kafka, n.topic, generateEvents(2, 2, 78)); // wakes both partitions up
      expect(await waitFor(async () => second.log.filter((l) => l.includes('"partition opened"')).length >= 2, 30_000, 200)).toBe(true);
    } finally {
      second.child.kill('SIGTERM');
    }
    await second.exited;
    // Each partition resumed at its end: nothing handled before the kill is handled again.
    const opened = second.log.filter((l) => l.includes('"partition opened"')).map((l) => JSON.parse(l) as { partition: number; checkpoint: { offset: string } | null });
    expect(opened.sort((a, b) => a.partition - b.partition).map((o) => o.checkpoint?.offset)).toEqual(ends);
  } finally {
    await admin.disconnect();
  }
}, 180_000);

