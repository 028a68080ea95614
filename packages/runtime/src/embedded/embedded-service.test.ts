import { createLogger } from '@socle/core';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import type { HttpIngestInput, SyslogStreamInput } from '@socle/collector';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertJournal } from '@socle/api';
import { EmbeddedService } from './embedded-service.ts';
import { runConfigSchema, type RunConfig } from './run-config.ts';
import { bruteForceRule, FAILURE_RULE, failureLine } from '../reload/test-rules.test-helper.ts';

const RULES = `${FAILURE_RULE}\n---\n${bruteForceRule(3)}`;

let dir: string;
let service: EmbeddedService | undefined;
const logs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-embedded-'));
  await writeFile(join(dir, 'rules.yml'), RULES);
  logs.length = 0;
});
afterEach(async () => {
  await service?.stop();
  service = undefined;
  await rm(dir, { recursive: true, force: true });
});

function config(inputs: unknown[]): RunConfig {
  return runConfigSchema.parse({ dataDir: join(dir, 'data'), inputs, rules: [join(dir, 'rules.yml')], pipelines: ['linux-ecs'], api: { listen: '127.0.0.1:0' } });
}

async function api(path: string): Promise<any> {
  return (await fetch(service!.apiUrl + path)).json();
}

// Generous limits: each start loads rules, and the machine may be busy; nothing here asserts on durations.
describe('EmbeddedService', () => {
  it('runs stdin lines through parsers, engine and journal, and answers queries while running', async () => {
    const stdin = new PassThrough();
    service = new EmbeddedService(config([{ type: 'stdin', organization: 'acme', format: 'auth' }]), { stdin, logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await service.start();
    for (const s of [1, 2, 3, 4]) stdin.write(failureLine(s));
    await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(4), { timeout: 10_000, interval: 50 });

    const low = await api('/alerts?severity=low');
    expect(low.total).toBe(4);
    expect(low.alerts[0]).toMatchObject({ host: { name: 'web-01' }, source: { ip: '198.51.100.7' }, organization: { id: 'acme' } });
    const high = await api('/alerts?rule=22222222-2222-4222-8222-222222222222');
    expect(high.total).toBeGreaterThanOrEqual(1);
    expect(high.alerts[0].socle.correlation.group).toEqual({ 'source.ip': '198.51.100.7' });
    const stored = (await api('/healthz')).alerts;

    await service.stop();
    service = undefined;
    const journal = await AlertJournal.open(join(dir, 'data', 'alerts'));
    expect(journal.index.size).toBe(stored);
    await journal.close();
  }, 30_000);

  it('resumes a file where it stopped, with the correlation state it had', async () => {
    const log = join(dir, 'auth.log');
    await writeFile(log, failureLine(1) + failureLine(2));
    const files = [{ type: 'file', name: 'auth', organization: 'acme', format: 'auth', paths: [log], pollIntervalMs: 20 }];
    service = new EmbeddedService(config(files), { logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await service.start();
    await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(2), { timeout: 10_000, interval: 50 });
    expect((await api('/alerts?severity=high')).total).toBe(0);
    await service.stop();
    const checkpoint = JSON.parse(await readFile(join(dir, 'data', 'inputs', 'auth.json'), 'utf8'));
    expect(checkpoint.files[0].offset).toBe((await stat(log)).size);

    // The third failure arrives while Socle is down: only it is read after the restart, and it completes the
    // brute force only because the first two were restored from the saved engine state.
    await appendFile(log, failureLine(3));
    service = new EmbeddedService(config(files), { logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await service.start();
    await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(1), { timeout: 10_000, interval: 50 });
    const high = await api('/alerts?severity=high');
    expect(high.total).toBe(1);
    expect(high.alerts[0].socle.correlation.value).toBe(3);
    expect((await api('/alerts?severity=low')).total).toBe(3);
  }, 30_000);

  it('takes syslog over TCP, each message parsed by its program name', async () => {
    service = new EmbeddedService(config([{ type: 'syslog-tcp', name: 'syslog', organization: 'acme', listen: '127.0.0.1:0' }]), { logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await service.start();
    const port = service.input<SyslogStreamInput>('syslog')!.port;
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.end([1, 2, 3].map((s) => `<38>${failureLine(s)}`).join(''));
    await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(3), { timeout: 10_000, interval: 50 });
    const high = await api('/alerts?severity=high');
    expect(high.total).toBe(1);
    expect(high.alerts[0].socle.correlation).toMatchObject({ group: { 'source.ip': '198.51.100.7' }, value: 3 });
  }, 30_000);

  it('takes lines over HTTP (POST /ingest with a bearer token), and keeps the raw line with each detection', async () => {
    const token = 'acme-ingest-token-0123456789';
    service = new EmbeddedService(config([{ type: 'http', name: 'ingest', format: 'syslog', listen: '127.0.0.1:0', tokens: [{ token, organization: 'acme' }] }]), { logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await service.start();
    const port = service.input<HttpIngestInput>('ingest')!.port;
    const post = (auth: string) => fetch(`http://127.0.0.1:${port}/ingest`, { method: 'POST', headers: { authorization: auth }, body: [1, 2, 3].map((s) => `<38>${failureLine(s)}`).join('\n') + '\n' });
    expect((await post('Bearer wrong-token-0123456789')).status).toBe(401);
    expect((await post(`Bearer ${token}`)).status).toBe(200);
    await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(3), { timeout: 10_000, interval: 50 });
    const page = await api('/alerts?size=10');
    const detection = page.alerts.find((a: any) => !a.socle.correlation);
    expect(detection.organization).toEqual({ id: 'acme' });
    const detail = await api(`/alerts/${detection.event.id}`);
    expect(detail.members.events[0].event.original).toMatch(/^<38>Mar 14 09:00:0[123] web-01 sshd/);
  }, 30_000);

  it('refuses to start when no rule loads', async () => {
    await writeFile(join(dir, 'rules.yml'), 'title: broken\nlogsource: {product: linux}\ndetection: {condition: nothing}\n');
    service = new EmbeddedService(config([{ type: 'stdin', organization: 'acme', format: 'auth' }]), { stdin: new PassThrough(), logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await expect(service.start()).rejects.toThrow(/no rule loaded/);
    service = undefined;
  });

  it('dead-letters records the parsers refuse to dead-letters.ndjson, with input and reason, and goes on', async () => {
    const stdin = new PassThrough();
    service = new EmbeddedService(config([{ type: 'stdin', name: 'events', organization: 'acme', format: 'json' }]), { stdin, logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
    await service.start();
    stdin.write('{"event": {"action": "x"}}\nthis is not json\n{"event": {"action": "y"}}\n');
    await vi.waitFor(async () => expect((await api('/healthz')).events).toBe(3), { timeout: 10_000, interval: 50 });
    const health = await api('/healthz');
    expect(health.deadLetters).toEqual({ 'normalise/parse-error': 1 });
    expect(health.inputs).toEqual([{ name: 'events', type: 'stdin', status: 'running' }]);
    const lines = (await readFile(join(dir, 'data', 'dead-letters.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ stage: 'normalise', reason: 'parse-error', raw: 'this is not json', origin: { input: 'events' } })]);
  }, 30_000);

  it('fails to start when a syslog port is taken, unless the input is not required', async () => {
    const taken = await import('node:net').then(({ createServer }) => {
      const server = createServer();
      return new Promise<import('node:net').Server>((r) => server.listen(0, '127.0.0.1', () => r(server)));
    });
    const port = (taken.address() as import('node:net').AddressInfo).port;
    try {
      const input = { type: 'syslog-tcp', name: 'syslog', organization: 'acme', listen: `127.0.0.1:${port}` };
      const failing = new EmbeddedService(config([input]), { logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
      await expect(failing.start()).rejects.toThrow(/127\.0\.0\.1:\d+.*optionalInputs/);
      await failing.stop();

      service = new EmbeddedService({ ...config([input]), optionalInputs: ['syslog'] }, { logger: createLogger({ format: 'text', write: (line) => logs.push(line) }) });
      await service.start();
      const health = await api('/healthz');
      expect(health.status).toBe('degraded');
      expect(health.inputs).toEqual([expect.objectContaining({ name: 'syslog', status: 'failed', error: expect.stringMatching(/listen/) })]);
    } finally {
      taken.close();
    }
  }, 30_000);
});
