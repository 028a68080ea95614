// Benchmark: syslog over TCP -> socle collector (real parsers) -> Kafka (acks=all, gzip, idempotent).
// Measures delivered events/s (acknowledged by Kafka) and the broker's CPU share from /proc/<pid>/stat.
//
//   deploy/local/stack.sh start kafka
//   pnpm exec tsx bench/collector-syslog-kafka.ts [--events 200000] [--connections 4]
//
// Environment: SOCLE_BENCH_KAFKA_BROKERS (default 127.0.0.1:19092), SOCLE_BENCH_KAFKA_PID (default: the pid file
// of deploy/local/kafka.sh under SOCLE_STACK_RUN_DIR, default deploy/local/.cache/run).
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Collector, validateConfig, type SyslogStreamInput } from '../packages/collector/src/index.ts';
import { createLogger } from '../packages/core/src/index.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '200000' }, connections: { type: 'string', default: '4' }, batch: { type: 'string', default: '1000' } } });
const total = Number(values.events);
const connections = Number(values.connections);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const brokers = (process.env.SOCLE_BENCH_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

function brokerPid(): number | undefined {
  if (process.env.SOCLE_BENCH_KAFKA_PID) return Number(process.env.SOCLE_BENCH_KAFKA_PID);
  const runDir = process.env.SOCLE_STACK_RUN_DIR ?? join(root, 'deploy/local/.cache/run');
  try {
    return Number(readFileSync(join(runDir, 'kafka/kafka.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

const users = ['root', 'admin', 'alice', 'bob', 'oracle', 'postgres'];
function message(i: number): string {
  const host = `web${i % 50}`;
  const user = users[i % users.length];
  return i % 2 === 0
    ? `<38>Jan  5 10:${String(i % 60).padStart(2, '0')}:00 ${host} sshd[${1000 + (i % 30000)}]: Failed password for ${user} from 10.${i % 200}.${i % 250}.${i % 240} port ${1024 + (i % 60000)} ssh2`
    : `<86>Jan  5 10:${String(i % 60).padStart(2, '0')}:01 ${host} sudo: ${user} : TTY=pts/${i % 9} ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`;
}

const topic = `socle-bench-collector-${Date.now().toString(36)}`;
const collector = new Collector(
  validateConfig(
    {
      inputs: [{ type: 'syslog-tcp', name: 'tcp', organization: 'bench', format: 'syslog', listen: '127.0.0.1:0' }],
      output: { type: 'kafka', brokers, topic, deadLetterTopic: `${topic}.dlq` },
      buffer: { capacity: 20_000, batchSize: Number(values.batch), lingerMs: 5 },
    },
    'bench',
  ),
  { logger: createLogger({ format: 'text', prefix: 'collector: ', write: (line) => process.stderr.write(line) }) },
);
await collector.start();
const port = collector.input<SyslogStreamInput>('tcp').port;

// Warm up: topic creation, producer connection, JIT.
const send = (from: number, to: number) =>
  new Promise<void>((resolvePromise, reject) => {
    const write = async () => {
      const chunk = 2000;
      for (let start = from; start < to; start += chunk) {
        let text = '';
        for (let i = start; i < Math.min(to, start + chunk); i++) text += message(i) + '\n';
        if (!socket.write(text)) await new Promise((r) => socket.once('drain', r));
      }
      socket.end();
    };
    const socket = connect(port, '127.0.0.1', () => void write().catch(reject));
    socket.on('close', () => resolvePromise());
    socket.on('error', reject);
  });
const delivered = () => collector.metrics.count(collector.metrics.eventsOut, 'tcp');
const waitDelivered = async (n: number) => {
  while ((await delivered()) < n) await new Promise((r) => setTimeout(r, 20));
};
const warmup = 10_000;
await send(0, warmup);
await waitDelivered(warmup);

const pid = brokerPid();
const brokerBefore = pid ? cpuSeconds(pid) : undefined;
const selfBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const per = Math.ceil(total / connections);
await Promise.all(Array.from({ length: connections }, (_, c) => send(warmup + c * per, warmup + Math.min(total, (c + 1) * per))));
await waitDelivered(warmup + total);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const self = process.cpuUsage(selfBefore);
const brokerCpu = pid && brokerBefore !== undefined ? cpuSeconds(pid) - brokerBefore : undefined;
const dead = await collector.metrics.count(collector.metrics.deadLetters, 'tcp');
const latency = await collector.metrics.produceLatency.get();
await collector.stop();

const sum = latency.values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
const count = latency.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
const result = {
  events: total,
  connections,
  batchSize: Number(values.batch),
  seconds: Number(seconds.toFixed(2)),
  eventsPerSecond: Math.round(total / seconds),
  deadLetters: dead,
  collectorCpuCores: Number(((self.user + self.system) / 1e6 / seconds).toFixed(2)),
  brokerCpuCores: brokerCpu === undefined ? 'unknown (no broker pid)' : Number((brokerCpu / seconds).toFixed(2)),
  meanProduceMs: count > 0 ? Number(((sum / count) * 1000).toFixed(1)) : undefined,
  loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(1))),
  machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}`,
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
