// Benchmark: the analyst alert API (token mode, as `socle serve` runs it) over Elasticsearch holding --alerts alerts.
//   1. load: a deterministic generator (organisations, rules, severities, hosts, users, IPs, ATT&CK techniques,
//      30 days ending at --end) written through the real ElasticsearchAlertSink (index template, per-organisation
//      daily indices, lookup fields); alerts/s until every alert is searchable.
//   2. the API (startServeApi, token store with a layer-2 token for org-a and org-b and a layer-1 token for org-c) in
//      its own Node process on 127.0.0.1, driven by --clients closed-loop clients (keep-alive) for --seconds per
//      mix (at most --max-requests), after --warmup seconds unmeasured:
//        mix "search":  last 24 h, severity high+critical, one organisation, host filter (layer 2) or free text
//                       (layer 1), page size 50
//        mix "triage":  counts by rule, then page 1 and page 2 (cursor) of the same search without host filter
//      requests/s and p50/p95/p99 per query type; errors are non-200 answers and answers outside the filters.
//
//   pnpm exec tsx bench/api-search.ts [--alerts 1000000] [--clients 8] [--seconds 30] [--mixes search,triage] [--es-url http://...]
//
// Without --es-url it starts its own Elasticsearch (deploy/local/stack.sh start elasticsearch) on ports 39200/39300
// with run dir /tmp/apibench (override with SOCLE_ES_PORT, SOCLE_ES_TRANSPORT_PORT, SOCLE_STACK_RUN_DIR,
// SOCLE_ES_HEAP) and stops it at the end (unless --keep-stack, for poking at the indices afterwards). --out writes
// the results as Markdown.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { Client } from '@elastic/elasticsearch';
import type { Alert } from '@socle/core';
import { FileTokenStore } from '../packages/api/src/access/token-store.ts';
import { ElasticsearchAlertSink } from '../packages/runtime/src/distributed/elasticsearch-alert-sink.ts';
import { ElasticsearchAlertStore } from '../packages/runtime/src/distributed/elasticsearch-alert-store.ts';
import { createJsonLogger } from '../packages/runtime/src/distributed/json-logger.ts';
import { Random } from './data/prng.ts';
import { startServeApi } from '../packages/runtime/src/distributed/serve-api.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DAY = 86_400_000;

// ---------------------------------------------------------------- deterministic alert generator

function prng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/** Organisations and their share of the alerts (a large SOC customer first). */
const ORGANIZATIONS: [string, number][] = [
  ['org-a', 0.25], ['org-b', 0.18], ['org-c', 0.15], ['org-d', 0.12], ['org-e', 0.1], ['org-f', 0.08], ['org-g', 0.07], ['org-h', 0.05],
];
const HOSTS_PER_ORG = 400;
const USERS_PER_ORG = 250;
const LEVEL_SEVERITY: Record<string, number> = { low: 21, medium: 47, high: 73, critical: 99 };
const TACTIC: Record<string, [string, string]> = {
  execution: ['TA0002', 'Execution'], persistence: ['TA0003', 'Persistence'], privilege_escalation: ['TA0004', 'Privilege Escalation'],
  defense_evasion: ['TA0005', 'Defense Evasion'], credential_access: ['TA0006', 'Credential Access'], discovery: ['TA0007', 'Discovery'],
  lateral_movement: ['TA0008', 'Lateral Movement'], command_and_control: ['TA0011', 'Command and Control'], impact: ['TA0040', 'Impact'],
};

interface BenchRule {
  id: string;
  name: string;
  level: string;
  tactic: string;
  technique: string;
  process?: string;
  weight: number;
  correlation?: boolean;
}

/** 40 rules: noisy low/medium ones, fewer high and critical ones, a few correlations. */
const RULES: BenchRule[] = (() => {
  const base: Omit<BenchRule, 'id' | 'weight'>[] = [
    { name: 'Suspicious PowerShell Encoded Command', level: 'high', tactic: 'execution', technique: 'T1059.001', process: 'powershell.exe' },
    { name: 'Windows Command Shell Spawned by Office', level: 'high', tactic: 'execution', technique: 'T1059.003', process: 'cmd.exe' },
    { name: 'LSASS Memory Access', level: 'critical', tactic: 'credential_access', technique: 'T1003.001', process: 'rundll32.exe' },
    { name: 'Scheduled Task Created', level: 'medium', tactic: 'persistence', technique: 'T1053.005', process: 'schtasks.exe' },
    { name: 'Registry Run Key Modified', level: 'medium', tactic: 'persistence', technique: 'T1547.001', process: 'reg.exe' },
    { name: 'Whoami Execution', level: 'low', tactic: 'discovery', technique: 'T1033', process: 'whoami.exe' },
    { name: 'Net User Enumeration', level: 'low', tactic: 'discovery', technique: 'T1087.002', process: 'net.exe' },
    { name: 'PsExec Service Installed', level: 'high', tactic: 'lateral_movement', technique: 'T1021.002', process: 'psexesvc.exe' },
    { name: 'Shadow Copy Deletion', level: 'critical', tactic: 'impact', technique: 'T1490', process: 'vssadmin.exe' },
    { name: 'Certutil Download', level: 'medium', tactic: 'command_and_control', technique: 'T1105', process: 'certutil.exe' },
    { name: 'Rundll32 Without Arguments', level: 'medium', tactic: 'defense_evasion', technique: 'T1218.011', process: 'rundll32.exe' },
    { name: 'Security Log Cleared', level: 'high', tactic: 'defense_evasion', technique: 'T1070.001', process: 'wevtutil.exe' },
    { name: 'Sudo Privilege Escalation', level: 'medium', tactic: 'privilege_escalation', technique: 'T1548.003', process: 'sudo' },
    { name: 'SSH Login As Root', level: 'high', tactic: 'lateral_movement', technique: 'T1021.004', process: 'sshd' },
    { name: 'Curl Piped To Shell', level: 'high', tactic: 'execution', technique: 'T1059.004', process: 'bash' },
    { name: 'Kerberoasting Request', level: 'high', tactic: 'credential_access', technique: 'T1558.003' },
    { name: 'DNS Query To Rare Domain', level: 'low', tactic: 'command_and_control', technique: 'T1071.004' },
    { name: 'Mimikatz Command Line', level: 'critical', tactic: 'credential_access', technique: 'T1003', process: 'mimikatz.exe' },
    { name: 'WMI Remote Execution', level: 'medium', tactic: 'lateral_movement', technique: 'T1047', process: 'wmic.exe' },
    { name: 'Ransomware Note Written', level: 'critical', tactic: 'impact', technique: 'T1486', process: 'explorer.exe' },
  ];
  const rules: BenchRule[] = [];
  for (let variant = 0; variant < 2; variant++) {
    base.forEach((r, i) => {
      const noise = r.level === 'low' ? 6 : r.level === 'medium' ? 3 : r.level === 'high' ? 1.2 : 0.4;
      rules.push({ ...r, id: `bench-${String(variant * base.length + i + 1).padStart(3, '0')}`, name: variant ? `${r.name} (variant)` : r.name, weight: noise / (variant + 1) });
    });
  }
  rules.push(
    { id: 'bench-c01', name: 'Brute Force Then Success', level: 'high', tactic: 'credential_access', technique: 'T1110.001', weight: 0.8, correlation: true },
    { id: 'bench-c02', name: 'Password Spraying Across Hosts', level: 'critical', tactic: 'credential_access', technique: 'T1110.003', weight: 0.3, correlation: true },
  );
  return rules;
})();

/** Weighted pick with a precomputed cumulative table. */
function picker<T>(items: T[], weight: (t: T) => number): (r: number) => T {
  const cumulative: number[] = [];
  let sum = 0;
  for (const item of items) cumulative.push((sum += weight(item)));
  return (r) => {
    const x = r * sum;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}
const pickOrg = picker(ORGANIZATIONS, ([, w]) => w);
const pickRule = picker(RULES, (r) => r.weight);

export const hostName = (org: string, n: number): string => `${org}-${n < 40 ? 'srv' : 'ws'}-${String(n).padStart(4, '0')}`;
const userName = (org: string, n: number): string => `${org.slice(4)}.user${String(n).padStart(4, '0')}`;
/** Skewed towards low numbers: a few hosts and users raise most alerts, as in a real estate. */
const skewed = (r: number, n: number): number => Math.floor(n * r * r * r);

/**
 * The i-th of `count` alerts (deterministic in i, count and end). Times grow with i over the 30 days before end,
 * as a worker writes them: each bulk request touches the indices of a day or two, not all of them.
 */
export function makeAlert(i: number, count: number, endMs: number): Alert {
  const rand = prng(i * 2654435761 + 17);
  const [org] = pickOrg(rand());
  const rule = pickRule(rand());
  const orgIndex = ORGANIZATIONS.findIndex(([o]) => o === org);
  const time = new Date(endMs - 30 * DAY + Math.floor(((i + rand()) / count) * 30 * DAY)).toISOString();
  const hostN = skewed(rand(), HOSTS_PER_ORG);
  const host = hostName(org, hostN);
  const user = userName(org, skewed(rand(), USERS_PER_ORG));
  const sourceIp = `10.${orgIndex}.${hostN >> 8}.${hostN & 255}`;
  const destinationIp = rand() < 0.5 ? `198.51.100.${Math.floor(rand() * 254) + 1}` : `203.0.113.${Math.floor(rand() * 254) + 1}`;
  const [tacticId, tacticName] = TACTIC[rule.tactic];
  const [technique, sub] = rule.technique.includes('.') ? [rule.technique.split('.')[0], rule.technique] : [rule.technique, undefined];
  const id = `${rule.id}-${i.toString(36).padStart(5, '0')}`;
  const alert: Alert = {
    '@timestamp': time,
    event: { kind: 'alert', id, severity: LEVEL_SEVERITY[rule.level], reference: `evt-${i}` },
    rule: { id: rule.id, name: rule.name, category: rule.correlation ? 'correlation' : 'detection', version: '1', author: 'socle bench' },
    tags: [`attack.${rule.tactic}`, `attack.${rule.technique.toLowerCase()}`],
    threat: {
      framework: 'MITRE ATT&CK',
      tactic: { id: [tacticId], name: [tacticName], reference: [`https://attack.mitre.org/tactics/${tacticId}/`] },
      technique: {
        id: [technique],
        reference: [`https://attack.mitre.org/techniques/${technique}/`],
        ...(sub ? { subtechnique: { id: [sub], reference: [`https://attack.mitre.org/techniques/${sub.replace('.', '/')}/`] } } : {}),
      },
    },
    'kibana.alert.severity': rule.level,
    socle: { level: rule.level, ...(rule.correlation ? {} : { eventId: `evt-${i}` }) },
    organization: { id: org },
  };
  if (rule.correlation) {
    const windowStart = new Date(Date.parse(time) - 300_000).toISOString();
    const count = 5 + Math.floor(rand() * 40);
    alert.socle.correlation = {
      type: 'event_count',
      group: { 'host.name': host, 'user.name': user, 'source.ip': sourceIp, 'organization.id': org },
      window: { start: windowStart, end: time },
      value: count,
      events: { ids: Array.from({ length: Math.min(count, 5) }, (_, k) => `evt-${i}-${k}`), total: count },
      rules: [`${rule.id}-member`],
    };
  } else {
    alert.host = { name: host, hostname: host, ip: [sourceIp] };
    alert.user = { name: user, domain: org.toUpperCase() };
    alert.source = { ip: sourceIp, port: 49152 + Math.floor(rand() * 16000) };
    alert.destination = { ip: destinationIp, port: [443, 80, 445, 22, 53][Math.floor(rand() * 5)] };
    if (rule.process) {
      alert.process = { name: rule.process, executable: `C:\\Windows\\System32\\${rule.process}`, command_line: `${rule.process} /c task-${Math.floor(rand() * 1000)}` };
    }
  }
  return alert;
}

// ---------------------------------------------------------------- the API child process

interface ApiChildConfig {
  esUrl: string;
  prefix: string;
  dir: string;
}

type ChildMessage = { type: 'listening'; url: string } | { type: 'heap'; usedMiB: number; totalMiB: number; limitMiB: number; rssMiB: number };

/** Runs in the forked process: the serve API exactly as `socle serve` builds it (token mode, audit, triage). */
async function runApiChild(config: ApiChildConfig): Promise<void> {
  const client = new Client({ node: config.esUrl, requestTimeout: 30_000 });
  const logger = createJsonLogger((line) => {
    if (!line.includes('"level":"info"')) process.stderr.write(line);
  });
  const api = await startServeApi({
    api: { listen: '127.0.0.1:0', tokens: join(config.dir, 'tokens.json'), audit: join(config.dir, 'access-audit.ndjson'), triage: join(config.dir, 'triage') },
    store: new ElasticsearchAlertStore(client, config.prefix),
    reload: async () => {
      throw new Error('no reload in the benchmark');
    },
    logger,
  });
  process.send?.({ type: 'listening', url: api.url } satisfies ChildMessage);
  process.on('message', (message: { type: string }) => {
    if (message.type === 'heap') {
      const heap = getHeapStatistics();
      const mib = (n: number) => Math.round(n / 1048576);
      process.send?.({ type: 'heap', usedMiB: mib(heap.used_heap_size), totalMiB: mib(heap.total_heap_size), limitMiB: mib(heap.heap_size_limit), rssMiB: mib(process.memoryUsage().rss) } satisfies ChildMessage);
    }
    if (message.type === 'stop') void api.close().then(() => client.close()).then(() => process.exit(0));
  });
}

// ---------------------------------------------------------------- load generation (closed loop)

interface Reply {
  status: number;
  body: string;
}

function get(agent: Agent, base: URL, path: string, token: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

class Recorder {
  readonly latencies = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly errorSamples: string[] = [];
  requests = 0;

  add(type: string, ms: number): void {
    let list = this.latencies.get(type);
    if (!list) this.latencies.set(type, (list = []));
    list.push(ms);
    this.requests++;
  }

  fail(type: string, what: string): void {
    this.errors.set(type, (this.errors.get(type) ?? 0) + 1);
    this.requests++;
    if (this.errorSamples.length < 5) this.errorSamples.push(`${type}: ${what.slice(0, 300)}`);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Caller {
  name: string;
  token: string;
  organizations: string[];
}

interface SearchBody {
  alerts: Alert[];
  total: number;
  nextCursor?: string;
}

/** Checks a search answer against the filters it was asked with; returns what is wrong, or undefined. */
function wrongAnswer(body: SearchBody, orgs: string[], host?: string): string | undefined {
  if (!Array.isArray(body.alerts) || body.alerts.length > 50) return `unexpected alerts array (${body.alerts?.length})`;
  for (const a of body.alerts) {
    const org = (a.organization as { id?: string } | undefined)?.id;
    if (!org || !orgs.includes(org)) return `alert ${a.event.id} of organisation ${org} outside [${orgs.join(',')}]`;
    if (a.socle.level !== 'high' && a.socle.level !== 'critical') return `alert ${a.event.id} has level ${a.socle.level}`;
    const alertHost = (a.host as { name?: string } | undefined)?.name ?? a.socle.correlation?.group['host.name'];
    if (host && alertHost !== host) return `alert ${a.event.id} on host ${String(alertHost)}, asked ${host}`;
  }
  return undefined;
}

interface MixContext {
  base: URL;
  agent: Agent;
  recorder: Recorder;
  layer2: Caller;
  layer1: Caller;
  rand: () => number;
  /** The clock the "last 24 h" filters use: the data set's end, moved forward by the time spent since the load. */
  now: () => number;
}

async function timed(ctx: MixContext, type: string, path: string, caller: Caller, check: (body: unknown) => string | undefined): Promise<unknown> {
  const started = performance.now();
  let reply: Reply;
  try {
    reply = await get(ctx.agent, ctx.base, path, caller.token);
  } catch (err) {
    ctx.recorder.fail(type, `${path}: ${(err as Error).message}`);
    return undefined;
  }
  const ms = performance.now() - started;
  if (reply.status !== 200) {
    ctx.recorder.fail(type, `${path}: HTTP ${reply.status} ${reply.body}`);
    return undefined;
  }
  let body: unknown;
  try {
    body = JSON.parse(reply.body);
  } catch {
    ctx.recorder.fail(type, `${path}: not JSON`);
    return undefined;
  }
  const wrong = check(body);
  if (wrong) {
    ctx.recorder.fail(type, `${path}: ${wrong}`);
    return undefined;
  }
  ctx.recorder.add(type, ms);
  return body;
}

function last24h(ctx: MixContext): string {
  const to = ctx.now();
  return `from=${new Date(to - DAY).toISOString()}&to=${new Date(to).toISOString()}&severity=high,critical`;
}

const TEXT_NEEDLES = ['t1059', 'powershell', 'user0001', 'lsass', 'kerberoast', '198.51.100.7', 'psexec', 'brute force'];

/** Mix "search": the typical analyst search, by host (layer-2 token) or free text (layer-1 token). */
async function searchMix(ctx: MixContext): Promise<void> {
  if (ctx.rand() < 0.5) {
    const org = ctx.layer2.organizations[ctx.rand() < 0.6 ? 0 : 1];
    const host = hostName(org, skewed(ctx.rand(), 60));
    const path = `/alerts?${last24h(ctx)}&organization=${org}&host=${encodeURIComponent(host)}&size=50`;
    await timed(ctx, 'search by host (layer 2)', path, ctx.layer2, (b) => wrongAnswer(b as SearchBody, [org], host));
  } else {
    const needle = TEXT_NEEDLES[Math.floor(ctx.rand() * TEXT_NEEDLES.length)];
    const org = ctx.layer1.organizations[0];
    const path = `/alerts?${last24h(ctx)}&organization=${org}&q=${encodeURIComponent(needle)}&size=50`;
    await timed(ctx, 'search free text (layer 1)', path, ctx.layer1, (b) => wrongAnswer(b as SearchBody, [org]));
  }
}

/** Mix "triage": counts by rule, then page 1 and page 2 (cursor) of the same list. */
async function triageMix(ctx: MixContext): Promise<void> {
  const org = ctx.layer2.organizations[ctx.rand() < 0.6 ? 0 : 1];
  const filters = `${last24h(ctx)}&organization=${org}`;
  await timed(ctx, 'counts by rule', `/alerts/_counts?by=rule&${filters}`, ctx.layer2, (b) => {
    const counts = (b as { counts?: { key: string; count: number }[] }).counts;
    return Array.isArray(counts) && counts.length > 0 ? undefined : 'no counts';
  });
  const page1 = (await timed(ctx, 'search page 1', `/alerts?${filters}&size=50`, ctx.layer2, (b) => {
    const body = b as SearchBody;
    return wrongAnswer(body, [org]) ?? (body.nextCursor || body.total <= 50 ? undefined : `no nextCursor (total ${body.total})`);
  })) as SearchBody | undefined;
  if (!page1?.nextCursor) return;
  const firstIds = new Set(page1.alerts.map((a) => a.event.id));
  await timed(ctx, 'search page 2 (cursor)', `/alerts?${filters}&size=50&cursor=${encodeURIComponent(page1.nextCursor)}`, ctx.layer2, (b) => {
    const body = b as SearchBody;
    return wrongAnswer(body, [org]) ?? (body.alerts.some((a) => firstIds.has(a.event.id)) ? 'page 2 repeats page 1' : undefined);
  });
}

const MIXES: Record<string, (ctx: MixContext) => Promise<void>> = { search: searchMix, triage: triageMix };

interface MixResult {
  name: string;
  seconds: number;
  recorder: Recorder;
  loadBefore: number[];
  loadAfter: number[];
}

async function runMix(
  name: string,
  mix: (ctx: MixContext) => Promise<void>,
  options: { base: URL; layer2: Caller; layer1: Caller; clients: number; seconds: number; warmup: number; maxRequests: number; now: () => number },
): Promise<MixResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
  const drive = async (seconds: number, recorder: Recorder, seedBase: number): Promise<number> => {
    const deadline = performance.now() + seconds * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.clients }, async (_, c) => {
        const ctx: MixContext = { base: options.base, agent, recorder, layer2: options.layer2, layer1: options.layer1, rand: prng(seedBase + c), now: options.now };
        while (performance.now() < deadline && recorder.requests < options.maxRequests) await mix(ctx);
      }),
    );
    return (performance.now() - started) / 1000;
  };
  if (options.warmup > 0) await drive(options.warmup, new Recorder(), 1000);
  const recorder = new Recorder();
  const loadBefore = loadavg();
  const seconds = await drive(options.seconds, recorder, 2000);
  agent.destroy();
  return { name, seconds, recorder, loadBefore, loadAfter: loadavg() };
}

// ---------------------------------------------------------------- orchestration

function stackEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SOCLE_ES_PORT: process.env.SOCLE_ES_PORT ?? '39200',
    SOCLE_ES_TRANSPORT_PORT: process.env.SOCLE_ES_TRANSPORT_PORT ?? '39300',
    SOCLE_STACK_RUN_DIR: process.env.SOCLE_STACK_RUN_DIR ?? '/tmp/apibench',
    SOCLE_ES_HEAP: process.env.SOCLE_ES_HEAP ?? '512m',
  };
}

function stack(command: 'start' | 'stop'): void {
  const result = spawnSync(join(root, 'deploy/local/stack.sh'), [command, 'elasticsearch'], { env: stackEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`deploy/local/stack.sh ${command} elasticsearch: exit status ${result.status}`);
}

async function load(es: Client, prefix: string, count: number, endMs: number, batch: number, inFlight: number): Promise<number> {
  const rejected: string[] = [];
  const sink = new ElasticsearchAlertSink({
    client: es,
    indexPrefix: prefix,
    organization: 'default',
    attempts: 8,
    onRejected: (id, index, reason) => rejected.push(`alert ${id} refused by ${index}: ${reason}`),
  });
  await sink.installTemplate();
  const started = performance.now();
  let next = 0;
  let lastReport = started;
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + batch);
      const alerts: Alert[] = [];
      for (let i = from; i < next; i++) alerts.push(makeAlert(i, count, endMs));
      await sink.write(alerts);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        process.stderr.write(`  loaded ${next.toLocaleString('en')} / ${count.toLocaleString('en')} (${Math.round(next / ((lastReport - started) / 1000)).toLocaleString('en')} alerts/s)\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (rejected.length) throw new Error(`load: ${rejected.length} alerts refused, first: ${rejected[0]}`);
  await es.indices.refresh({ index: `${prefix}-*` });
  const seconds = (performance.now() - started) / 1000;
  const indexed = (await es.count({ index: `${prefix}-*` })).count;
  if (indexed !== count) throw new Error(`load: ${indexed} alerts searchable in ${prefix}-*, expected ${count}`);
  return seconds;
}

function childMessage<T extends ChildMessage['type']>(child: ChildProcess, type: T): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const m = message as ChildMessage;
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`API process exited (${code}) before sending '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

function fmt(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '-';
}

function mixTable(result: MixResult): string[] {
  const { recorder, seconds } = result;
  const lines = [
    `| query type | requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|`,
  ];
  const types = new Set([...recorder.latencies.keys(), ...recorder.errors.keys()]);
  for (const type of types) {
    const sorted = [...(recorder.latencies.get(type) ?? [])].sort((a, b) => a - b);
    const errors = recorder.errors.get(type) ?? 0;
    lines.push(
      `| ${type} | ${(sorted.length + errors).toLocaleString('en')} | ${fmt((sorted.length + errors) / seconds)} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 95))} | ${fmt(percentile(sorted, 99))} | ${fmt(sorted[sorted.length - 1] ?? NaN)} | ${errors} |`,
    );
  }
  const all = [...recorder.latencies.values()].flat().sort((a, b) => a - b);
  const errors = [...recorder.errors.values()].reduce((s, n) => s + n, 0);
  lines.push(
    `| **all** | ${recorder.requests.toLocaleString('en')} | **${fmt(recorder.requests / seconds)}** | ${fmt(percentile(all, 50))} | ${fmt(percentile(all, 95))} | **${fmt(percentile(all, 99))}** | ${fmt(all[all.length - 1] ?? NaN)} | ${errors} |`,
  );
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      alerts: { type: 'string', default: '1000000' },
      clients: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      'max-requests': { type: 'string', default: '200000' },
      end: { type: 'string' },
      batch: { type: 'string', default: '5000' },
      'bulk-in-flight': { type: 'string', default: '2' },
      'es-url': { type: 'string' },
      'keep-stack': { type: 'boolean', default: false },
      mixes: { type: 'string', default: 'search,triage' },
      out: { type: 'string' },
      'api-child': { type: 'string' },
    },
  });
  if (values['api-child']) return runApiChild(JSON.parse(values['api-child']) as ApiChildConfig);

  const count = Number(values.alerts);
  const clients = Number(values.clients);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const maxRequests = Number(values['max-requests']);
  for (const [name, v] of Object.entries({ alerts: count, clients, seconds, 'max-requests': maxRequests, batch: Number(values.batch) })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: expected a positive integer, got '${String(values[name as keyof typeof values])}'`);
  }
  const mixOrder = values.mixes.split(',').map((m) => m.trim());
  for (const m of mixOrder) if (!(m in MIXES)) throw new Error(`--mixes: unknown mix '${m}' (use ${Object.keys(MIXES).join(', ')})`);
  // The data set ends at --end (default: now, to the minute); "last 24 h" is measured from it.
  const endMs = values.end ? Date.parse(values.end) : Math.floor(Date.now() / 60_000) * 60_000;
  if (!Number.isFinite(endMs)) throw new Error(`--end: '${values.end}' is not a date`);

  const ownStack = !values['es-url'];
  const esUrl = values['es-url'] ?? `http://127.0.0.1:${stackEnv().SOCLE_ES_PORT}`;
  const dir = mkdtempSync(join(tmpdir(), 'socle-apibench-'));
  const prefix = `socle-apibench-${Date.now().toString(36)}`;
  const es = new Client({ node: esUrl, requestTimeout: 120_000 });
  let child: ChildProcess | undefined;
  const loadStart = loadavg();
  try {
    if (ownStack) {
      process.stderr.write(`starting Elasticsearch (${esUrl}, run dir ${stackEnv().SOCLE_STACK_RUN_DIR})\n`);
      stack('start');
    }
    const esNode = Object.values((await es.nodes.info({ metric: ['jvm'] })).nodes)[0] as { version?: string; jvm?: { mem?: { heap_max_in_bytes?: number } } };
    const esHeapMiB = Math.round((esNode.jvm?.mem?.heap_max_in_bytes ?? 0) / 1048576);

    process.stderr.write(`loading ${count.toLocaleString('en')} alerts into ${prefix}-*\n`);
    const loadSeconds = await load(es, prefix, count, endMs, Number(values.batch), Number(values['bulk-in-flight']));
    const loadAfter = loadavg();
    const indices = (await es.cat.indices({ index: `${prefix}-*`, format: 'json', bytes: 'b' })) as { 'store.size'?: string }[];
    const storeMiB = Math.round(indices.reduce((s, i) => s + Number(i['store.size'] ?? 0), 0) / 1048576);
    const last24 = (await es.count({ index: `${prefix}-*`, query: { bool: { filter: [{ range: { '@timestamp': { gte: endMs - DAY, lt: endMs } } }, { terms: { 'socle.lookup.level': ['high', 'critical'] } }] } } })).count;
    process.stderr.write(`loaded in ${loadSeconds.toFixed(1)} s (${Math.round(count / loadSeconds)} alerts/s), ${indices.length} indices, ${storeMiB} MiB\n`);

    const tokens = new FileTokenStore(join(dir, 'tokens.json'));
    const expiresAt = new Date(Date.now() + DAY).toISOString();
    const layer2: Caller = { name: 'layer 2', organizations: ['org-a', 'org-b'], token: tokens.create({ layer: 2, organizations: ['org-a', 'org-b'], role: 'analyst', expiresAt, createdBy: 'bench' }).token };
    const layer1: Caller = { name: 'layer 1', organizations: ['org-c'], token: tokens.create({ layer: 1, organizations: ['org-c'], role: 'analyst', expiresAt, createdBy: 'bench' }).token };

    child = fork(fileURLToPath(import.meta.url), ['--api-child', JSON.stringify({ esUrl, prefix, dir } satisfies ApiChildConfig)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const { url } = await childMessage(child, 'listening');
    process.stderr.write(`alert API on ${url}; ${clients} clients, ${warmup} s warm-up + ${seconds} s per mix\n`);
    const benchStart = Date.now();
    const now = () => endMs + (Date.now() - benchStart);
    const common = { base: new URL(url), layer2, layer1, clients, seconds, warmup, maxRequests, now };
    const mixes: MixResult[] = [];
    for (const name of mixOrder) mixes.push(await runMix(name, MIXES[name], common));
    child.send({ type: 'heap' });
    const apiHeap = await childMessage(child, 'heap');

    const totalErrors = mixes.reduce((s, m) => s + [...m.recorder.errors.values()].reduce((a, b) => a + b, 0), 0);
    const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
    const command = `${ownStack && process.env.SOCLE_ES_HEAP ? `SOCLE_ES_HEAP=${process.env.SOCLE_ES_HEAP} ` : ''}pnpm exec tsx bench/api-search.ts --alerts ${count} --clients ${clients} --seconds ${seconds} --warmup ${warmup}${values.mixes !== 'search,triage' ? ` --mixes ${values.mixes}` : ''}${values['es-url'] ? ` --es-url ${esUrl}` : ''}`;
    const lines = [
      `Run ${new Date().toISOString()}: \`${command}\``,
      '',
      `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Elasticsearch ${esNode.version ?? '?'} heap ${esHeapMiB} MiB, ` +
        `API process heap ${apiHeap.usedMiB} MiB used / ${apiHeap.totalMiB} MiB allocated (limit ${apiHeap.limitMiB} MiB, RSS ${apiHeap.rssMiB} MiB). ` +
        `Load average (1/5/15 min): ${la(loadStart)} before the load, ${la(loadAfter)} after it.`,
      '',
      `Load: ${count.toLocaleString('en')} alerts through ElasticsearchAlertSink (batches of ${values.batch}, ${values['bulk-in-flight']} in flight) into ${indices.length} daily ` +
        `indices (${storeMiB} MiB) in ${fmt(loadSeconds)} s: **${Math.round(count / loadSeconds).toLocaleString('en')} alerts/s** (until searchable). ` +
        `High+critical alerts in the last 24 h, all organisations: ${last24.toLocaleString('en')}.`,
    ];
    for (const m of mixes) {
      lines.push('', `Mix "${m.name}", ${fmt(m.seconds)} s, ${clients} clients, load average ${la(m.loadBefore)} → ${la(m.loadAfter)}:`, '', ...mixTable(m));
    }
    const samples = mixes.flatMap((m) => m.recorder.errorSamples);
    if (samples.length) lines.push('', 'First errors:', '', ...samples.map((s) => `- ${s}`));
    const text = lines.join('\n');
    process.stdout.write(`${text}\n`);
    if (values.out) writeFileSync(values.out, `${text}\n`);
    if (totalErrors > 0) process.exitCode = 1;
  } finally {
    if (child && child.exitCode === null) {
      child.send({ type: 'stop' });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child?.kill('SIGKILL');
          resolve();
        }, 5000);
        child?.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (values['keep-stack']) process.stderr.write(`--keep-stack: ${esUrl} keeps ${prefix}-*; stop it with deploy/local/stack.sh stop elasticsearch (same environment)\n`);
    else if (!ownStack) await es.indices.delete({ index: `${prefix}-*` }).catch(() => undefined);
    await es.close();
    if (ownStack && !values['keep-stack']) stack('stop');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
