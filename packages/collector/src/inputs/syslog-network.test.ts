import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import { Intake, type ParseRecordFn } from '../delivery/intake.ts';
import type { OutboundRecord } from '../delivery/outbound.ts';
import { RecordBuffer } from '../delivery/record-buffer.ts';
import { SyslogStreamInput } from './syslog-stream.ts';
import { SyslogUdpInput } from './syslog-udp.ts';
import type { Input } from './input.ts';

// Test-only parser injected through the intake: the message becomes `message`, the peer is kept.
const parseText: ParseRecordFn = (_format, raw, ctx) => ({ ok: true, event: { message: raw, organization: { id: ctx.organization }, peer: ctx.peer } });

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

const messagesIn = (buffer: RecordBuffer<OutboundRecord>): Promise<string[]> =>
  buffer.take(100_000, 0).then((batch) => batch.map((r) => (r.kind === 'event' ? (r.event.message as string) : `DLQ:${String(r.letter.error)}`)));

describe('syslog network inputs', () => {
  const started: Input[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const input of started.splice(0)) await input.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function pipeline(capacity = 10_000) {
    const buffer = new RecordBuffer<OutboundRecord>(capacity);
    const metrics = new CollectorMetrics();
    const intake = new Intake(buffer, parseText, (raw, _ctx, error) => ({ raw, error }), metrics);
    return { buffer, metrics, intake };
  }

  it('receives TLS syslog with certificates read from the configured paths', async () => {
    dir = await mkdtemp(join(tmpdir(), 'socle-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const { buffer, metrics, intake } = pipeline();
    const input = new SyslogStreamInput(
      { name: 'tls', organization: 'acme', format: 'syslog', listen: { host: '127.0.0.1', port: 0 }, maxMessageBytes: 4096, maxConnections: 10, tls: { cert, key } },
      intake,
      metrics,
    );
    await input.start();
    started.push(input);
    const ca = await readFile(cert);
    await new Promise<void>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port: input.port, ca, servername: 'localhost' }, () => socket.end('10 <13>secret14 <13>second one'));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await until(() => buffer.size >= 2);
    expect(await messagesIn(buffer)).toEqual(['<13>secret', '<13>second one']);
  });

  it('refuses TLS startup with an error naming the missing certificate file', async () => {
    const { metrics, intake } = pipeline();
    const input = new SyslogStreamInput(
      { name: 'tls', organization: 'acme', format: 'syslog', listen: { host: '127.0.0.1', port: 0 }, maxMessageBytes: 4096, maxConnections: 10, tls: { cert: '/nonexistent/cert.pem', key: '/nonexistent/key.pem' } },
      intake,
      metrics,
    );
    // both files are missing and are read at once: either may be named first
    await expect(input.start()).rejects.toThrow(/input tls: cannot read tls\.(cert|key) file \/nonexistent\/(cert|key)\.pem/);
  });

  it('counts UDP datagrams dropped while the buffer is full and keeps the ones that fit', async () => {
    const { buffer, metrics, intake } = pipeline(5);
    const input = new SyslogUdpInput({ name: 'udp', organization: 'acme', format: 'syslog', listen: { host: '127.0.0.1', port: 0 }, maxMessageBytes: 1024 }, intake);
    await input.start();
    started.push(input);
    const socket = createSocket('udp4');
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => socket.send(`<13>udp ${i}\n`, input.port, '127.0.0.1', () => resolve()));
    socket.close();
    await until(async () => (await metrics.count(metrics.eventsIn, 'udp')) + (await metrics.count(metrics.dropped, 'udp')) >= 20);
    expect(await metrics.count(metrics.eventsIn, 'udp')).toBe(5);
    expect(await metrics.count(metrics.dropped, 'udp')).toBe(15);
    expect(await messagesIn(buffer)).toEqual(['<13>udp 0', '<13>udp 1', '<13>udp 2', '<13>udp 3', '<13>udp 4']);
  });

  it('refuses connections over the limit', async () => {
    const { metrics, intake } = pipeline();
    const input = new SyslogStreamInput({ name: 'tcp', organization: 'acme', format: 'syslog', listen: { host: '127.0.0.1', port: 0 }, maxMessageBytes: 4096, maxConnections: 1 }, intake, metrics);
    await input.start();
    started.push(input);
    const first = connectTcp(input.port, '127.0.0.1');
    await new Promise((resolve) => first.once('connect', resolve));
    first.write('<13>hold the slot\n');
    await until(async () => (await metrics.count(metrics.eventsIn, 'tcp')) === 1);
    const second = connectTcp(input.port, '127.0.0.1');
    await new Promise((resolve) => second.once('close', resolve));
    const rejected = await metrics.rejected.get();
    expect(rejected.values.find((v) => v.labels.reason === 'connection-limit')?.value).toBe(1);
    first.destroy();
  });
});
