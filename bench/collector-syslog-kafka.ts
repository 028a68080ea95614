// Benchmark: syslog over TCP -> collector -> Kafka (acks=all, idempotent), Socle's collector side by side with
// rsyslog + omkafka on the same input file and the same broker, in one run.
// Each receiver's CPU time is its own (the sender is a separate process); "events per CPU second" is the rate one
// core would sustain, the number that still means something on a loaded machine. Delivered = the topic's high
// watermark (acknowledged by Kafka), read the same way for both.
//
//   deploy/local/stack.sh start kafka
//   pnpm exec tsx bench/collector-syslog-kafka.ts [--events 200000] [--connections 4] [--batch 5000]
//        [--in-flight 2] [--compression lz4|gzip|none] [--peer rsyslog|none]
//
// Environment: SOCLE_BENCH_KAFKA_BROKERS (default 127.0.0.1:$SOCLE_KAFKA_PORT, else 127.0.0.1:19092),
// SOCLE_BENCH_RSYSLOG_PORT (default 39514). The peer is installed with apt (`rsyslog rsyslog-kafka`) when missing
// and this runs as root; otherwise its row says why it is missing.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import kafkajs from 'kafkajs';
import { Collector, validateConfig, type KafkaCompression, type SyslogStreamInput } from '../packages/collector/src/index.ts';
import { createLogger } from '../packages/core/src/index.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    connections: { type: 'string', default: '4' },
    batch: { type: 'string', default: '5000' },
    'in-flight': { type: 'string', default: '2' },
    compression: { type: 'string', default: 'lz4' },
    peer: { type: 'string', default: 'rsyslog' },
    'not-idempotent': { type: 'boolean', default: false },
  },
});
const total = Number(values.events);
const warmup = 10_000;
const connections = Number(values.connections);
const compression = values.compression as KafkaCompression;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const brokers = (process.env.SOCLE_BENCH_KAFKA_BROKERS ?? `127.0.0.1:${process.env.SOCLE_KAFKA_PORT ?? 19092}`).split(',');
const work = mkdtempSync(join(tmpdir(), 'socle-bench-collector-'));
const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const users = ['root', 'admin', 'alice', 'bob', 'oracle', 'postgres'];
function message(i: number): string {
  const host = `web${i % 50}`;
  const user = users[i % users.length];
  return i % 2 === 0
    ? `<38>Jan  5 10:${String(i % 60).padStart(2, '0')}:00 ${host} sshd[${1000 + (i % 30000)}]: Failed password for ${user} from 10.${i % 200}.${i % 250}.${i % 240} port ${1024 + (i % 60000)} ssh2`
    : `<86>Jan  5 10:${String(i % 60).padStart(2, '0')}:01 ${host} sudo: ${user} : TTY=pts/${i % 9} ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`;
}
function writeMessages(file: string, from: number, to: number): string {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(message(i));
  writeFileSync(join(work, file), out.join('\n') + '\n');
  return join(work, file);
}
const warmupFile = writeMessages('warmup.log', 0, warmup);
const mainFile = writeMessages('main.log', warmup, warmup + total);

/** Sends a file from a separate process (so that its CPU is nobody's) and waits until it is all written. */
function send(port: number, file: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/syslog-send.ts'), '--port', String(port), '--file', file, '--connections', String(connections)], { stdio: 'inherit' });
  return new Promise((ok, fail) => child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`sender exited with ${code}`)))));
}

const kafka = new kafkajs.Kafka({ clientId: 'socle-bench', brokers, logLevel: kafkajs.logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
async function delivered(topic: string): Promise<number> {
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } catch {
    return 0; // not created yet
  }
}
/**
 * Waits until `n` events are acknowledged. `progress` is a cheaper count to poll first (the collector's own metric:
 * polling the broker from the collector's process would be charged to the collector); the watermark has the last word.
 */
async function waitDelivered(topic: string, n: number, progress?: () => Promise<number>, timeoutMs = 120_000 + n): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  if (progress) while ((await progress()) < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  while ((await delivered(topic)) < n) {
    if (Date.now() > deadline) throw new Error(`${topic}: only ${await delivered(topic)} of ${n} delivered after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Row {
  name: string;
  seconds: number;
  cpuSeconds: number;
  note: string;
}

/** Warm-up file, then the timed file; `cpu()` reads the receiver's CPU seconds so far. */
async function measure(name: string, port: number, topic: string, cpu: () => number, note: string, progress?: () => Promise<number>): Promise<Row> {
  await send(port, warmupFile);
  await waitDelivered(topic, warmup, progress);
  const cpuBefore = cpu();
  const started = process.hrtime.bigint();
  await send(port, mainFile);
  await waitDelivered(topic, warmup + total, progress);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, seconds, cpuSeconds: cpu() - cpuBefore, note };
}

async function socle(): Promise<Row> {
  const topic = `socle-bench-collector-${Date.now().toString(36)}`;
  const collector = new Collector(
    validateConfig(
      {
        inputs: [{ type: 'syslog-tcp', name: 'tcp', organization: 'bench', format: 'syslog', listen: '127.0.0.1:0' }],
        output: { type: 'kafka', brokers, topic, deadLetterTopic: `${topic}.dlq`, compression, idempotent: !values['not-idempotent'] },
        buffer: { capacity: 4 * Number(values.batch), batchSize: Number(values.batch), lingerMs: 5, inFlight: Number(values['in-flight']) },
      },
      'bench',
    ),
    { logger: createLogger({ format: 'text', prefix: 'collector: ', write: (line) => process.stderr.write(line) }) },
  );
  await collector.start();
  const port = collector.input<SyslogStreamInput>('tcp').port;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  try {
    return await measure('socle collector', port, topic, cpu, `ECS with sshd/sudo fields, ${compression}, ${values['not-idempotent'] ? 'not idempotent' : 'idempotent'}, batch ${values.batch}, ${values['in-flight']} in flight`, () => collector.metrics.count(collector.metrics.eventsOut, 'tcp'));
  } finally {
    await collector.stop();
  }
}

/** rsyslogd and its omkafka module, installed with apt when missing (root only). Undefined: why not. */
function rsyslogReady(): string | undefined {
  const has = () => spawnSync('rsyslogd', ['-v']).status === 0 && existsSync('/usr/lib/x86_64-linux-gnu/rsyslog/omkafka.so');
  if (has()) return undefined;
  if (process.getuid?.() !== 0) return 'rsyslogd or omkafka missing; install the Debian packages rsyslog and rsyslog-kafka';
  const apt = spawnSync('apt-get', ['install', '-y', 'rsyslog', 'rsyslog-kafka'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return has() ? undefined : `apt-get install rsyslog rsyslog-kafka failed (exit ${apt.status})`;
}

async function rsyslog(): Promise<Row | string> {
  const missing = rsyslogReady();
  if (missing) return missing;
  const topic = `socle-bench-rsyslog-${Date.now().toString(36)}`;
  const port = Number(process.env.SOCLE_BENCH_RSYSLOG_PORT ?? 39514);
  const dir = join(work, 'rsyslog');
  mkdirSync(dir, { recursive: true });
  const codec = compression === 'none' ? 'none' : compression;
  // The same job as the collector's syslog format minus the message parsers: RFC 3164 header fields to JSON.
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    `global(workDirectory="${dir}" maxMessageSize="64k")
module(load="imtcp")
module(load="omkafka")
template(name="socleJson" type="list" option.jsonf="on") {
  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="host.hostname" name="hostname" format="jsonf")
  property(outname="process.name" name="programname" format="jsonf")
  property(outname="process.pid" name="procid" format="jsonf")
  property(outname="log.syslog.facility.name" name="syslogfacility-text" format="jsonf")
  property(outname="log.syslog.severity.name" name="syslogseverity-text" format="jsonf")
  property(outname="message" name="msg" format="jsonf")
  property(outname="event.original" name="rawmsg" format="jsonf")
}
ruleset(name="toKafka" queue.type="LinkedList" queue.size="${4 * Number(values.batch)}" queue.dequeueBatchSize="1024") {
  action(type="omkafka" broker=["${brokers.join('","')}"] topic="${topic}" template="socleJson" partitions.auto="on"
    resubmitOnFailure="on"
    confParam=["compression.codec=${codec}", "enable.idempotence=true", "linger.ms=5", "batch.num.messages=${values.batch}",
      "queue.buffering.max.messages=${Math.max(100_000, 2 * total)}"])
}
input(type="imtcp" port="${port}" address="127.0.0.1" ruleset="toKafka")
`,
  );
  const daemon: ChildProcess = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    const pid = daemon.pid!;
    for (let i = 0; i < 100 && !readFileSync('/proc/net/tcp', 'utf8').includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const cpu = () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticks;
    };
    const version = spawnSync('rsyslogd', ['-v']).stdout.toString().split('\n')[0].replace(/\s+/g, ' ').replace(/ compiled with:.*/, '').trim();
    return await measure('rsyslog + omkafka', port, topic, cpu, `${version}, header fields only, ${codec}, idempotent, batch ${values.batch}`);
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
  }
}

const socleRow = await socle();
const peer = values.peer === 'rsyslog' ? await rsyslog() : 'not run (--peer none)';
await admin.disconnect();
rmSync(work, { recursive: true, force: true });

const perCpu = (r: Row) => total / r.cpuSeconds;
const line = (r: Row, ratio: string) =>
  `| ${r.name} | ${Math.round(perCpu(r)).toLocaleString('en')} | ${ratio} | ${Math.round(total / r.seconds).toLocaleString('en')} | ${(r.cpuSeconds / r.seconds).toFixed(2)} | ${r.note} |`;
console.log(`${total.toLocaleString('en')} syslog lines (sshd and sudo) over ${connections} TCP connections into Kafka ${brokers.join(',')} (acks=all), after ${warmup.toLocaleString('en')} warm-up lines; load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.\n`);
console.log('| receiver | events per CPU second | ratio to rsyslog (per CPU second) | events/s (wall) | cores used | setup |');
console.log('|---|---|---|---|---|---|');
console.log(line(socleRow, typeof peer === 'string' ? 'peer missing' : (perCpu(socleRow) / perCpu(peer)).toFixed(2)));
if (typeof peer === 'string') console.log(`| rsyslog + omkafka | - | - | - | - | skipped: ${peer} |`);
else console.log(line(peer, '1.00'));
