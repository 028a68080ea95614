import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '@socle/core';
import { MemoryAccessAuditLog } from '@socle/api';
import { Forwarder } from './forwarder.ts';
import { ForwardingLoop } from './forwarding-loop.ts';
import { Outbox } from './outbox.ts';
import { Pseudonymizer } from './pseudonymizer.ts';
import { AlertSharing } from './sharing-decision.ts';
import { parseSharingPolicy } from './sharing-policy.ts';
import { generateSigningKey, makeBundle, type StixBundle } from './signed-bundle.ts';
import { alertToStix } from './stix-objects.ts';
import { TaxiiServer } from './taxii-server.ts';
import { TAXII_MEDIA_TYPE } from './upstream-endpoint.ts';
import { detectionAlert } from './sample-alerts.test-helper.ts';
import { authenticateTestToken } from './taxii-principals.test-helper.ts';

/** Where the test bundles are shared: ACME's collection on the national server. */
const DEST = { collection: 'acme-incidents', organization: 'acme' };

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function bundlesFor(alerts: Alert[]): StixBundle[] {
  const policy = parseSharingPolicy('organization: acme\nsharedBy: SOC Hanoi\ntlp: AMBER\npseudonymKey: {env: K}\n', 'policy.yml');
  const sharing = new AlertSharing(policy, new Pseudonymizer(new TextEncoder().encode('a-long-enough-test-key')));
  return alerts.map((a) => {
    const d = sharing.decide(a);
    if (!d.shared) throw new Error(d.reason);
    return makeBundle(alertToStix(d.alert));
  });
}

describe('forwarder with an outbox', () => {
  it('keeps bundles while the upper TAXII endpoint is down and delivers each exactly once when it is up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-outbox-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    let clock = Date.parse('2026-03-14T10:00:00.000Z');
    const now = () => clock;
    const { signing, publicKeyPem } = generateSigningKey('soc-hanoi-2026');
    const port = await freePort();
    const endpoint = { kind: 'taxii' as const, apiRoot: `http://127.0.0.1:${port}/national/`, token: 'soc' };
    const bundles = bundlesFor(['0000000000000001', '0000000000000002', '0000000000000003'].map((id) => detectionAlert({ event: { kind: 'alert', id, severity: 73 } })));

    let outbox = await Outbox.open(dir, { now });
    let forwarder = new Forwarder({ endpoint, signingKey: signing, outbox, now, initialBackoffMs: 1000 });
    for (const b of bundles) expect(await forwarder.accept(b, DEST)).toBe(true);
    expect(await forwarder.accept(bundles[0]!, DEST)).toBe(false);

    const down = await forwarder.deliverDue();
    expect(down.delivered).toEqual([]);
    expect(down.failed.map((f) => f.id)).toEqual(bundles.map((b) => b.id));
    expect(down.failed[0]!.retryAt).toBe('2026-03-14T10:00:01.000Z');
    clock += 1000;
    expect((await forwarder.deliverDue()).failed[0]!.retryAt).toBe('2026-03-14T10:00:03.000Z');

    // A restart while the endpoint is down loses nothing.
    await outbox.close();
    outbox = await Outbox.open(dir, { now });
    forwarder = new Forwarder({ endpoint, signingKey: signing, outbox, now, initialBackoffMs: 1000 });
    expect(outbox.pending().map((e) => e.id)).toEqual(bundles.map((b) => b.id));

    const server = new TaxiiServer({
      title: 'National',
      apiRoot: 'national',
      collections: [{ id: 'acme-incidents', title: 'ACME', organizations: ['acme'] }],
      authenticate: authenticateTestToken,
      audit: new MemoryAccessAuditLog(),
      trustedKeys: { 'soc-hanoi-2026': publicKeyPem },
      now,
    });
    await server.listen(port);
    cleanup.push(() => server.close());

    const up = await forwarder.deliverDue();
    expect(up.delivered).toEqual(bundles.map((b) => b.id));
    expect(up.pending).toBe(0);
    expect((await forwarder.deliverDue()).delivered).toEqual([]);
    expect(await forwarder.accept(bundles[1]!, DEST)).toBe(false);
    expect(server.deliveriesByBundle()).toEqual(Object.fromEntries(bundles.map((b) => [b.id, 1])));

    const stored = server.store.query('acme-incidents').map((s) => s.object.id);
    const expected = new Set(bundles.flatMap((b) => b.objects.map((o) => o.id)));
    expect(new Set(stored)).toEqual(expected);
    expect(stored).toHaveLength(expected.size);

    // Acknowledged bodies are removed from disk; the acks are remembered.
    await outbox.close();
    const onDisk = await readFile(join(dir, 'outbox.ndjson'), 'utf8');
    expect(onDisk).not.toContain('"op":"put"');
    outbox = await Outbox.open(dir, { now });
    cleanup.push(() => outbox.close());
    expect(outbox.pending()).toEqual([]);
    expect(outbox.has(bundles[2]!.id)).toBe(true);
  });

  it('is refused by a receiver that does not trust the signing key, and keeps the bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-outbox-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const trusted = generateSigningKey('trusted');
    const intruder = generateSigningKey('trusted');
    const server = new TaxiiServer({
      title: 'National',
      apiRoot: 'national',
      collections: [{ id: 'acme-incidents', title: 'ACME', organizations: ['acme'] }],
      authenticate: authenticateTestToken,
      audit: new MemoryAccessAuditLog(),
      trustedKeys: { trusted: trusted.publicKeyPem },
    });
    const { url } = await server.listen();
    cleanup.push(() => server.close());
    const outbox = await Outbox.open(dir);
    cleanup.push(() => outbox.close());
    const forwarder = new Forwarder({ endpoint: { kind: 'taxii', apiRoot: `${url}/national`, token: 'soc' }, signingKey: intruder.signing, outbox });
    await forwarder.accept(bundlesFor([detectionAlert()])[0]!, DEST);
    const report = await forwarder.deliverDue();
    expect(report.failed[0]).toMatchObject({ permanent: true });
    expect(report.failed[0]!.error).toContain('403');
    expect(report.pending).toBe(1);
    const stored = await fetch(`${url}/national/collections/acme-incidents/objects/`, { headers: { authorization: 'Bearer national', accept: TAXII_MEDIA_TYPE } });
    expect(await stored.json()).toEqual({});
  });

  it('refuses plain http to anything but the loopback address', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-outbox-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const outbox = await Outbox.open(dir);
    cleanup.push(() => outbox.close());
    const forwarder = new Forwarder({ endpoint: { kind: 'socle', url: 'http://national.example/ingest' }, signingKey: generateSigningKey('k').signing, outbox });
    await forwarder.accept(bundlesFor([detectionAlert()])[0]!, DEST);
    const report = await forwarder.deliverDue();
    expect(report.failed[0]!.error).toContain('must be sent over https');
  });
});

describe('forwarding loop', () => {
  it('delivers what was accepted once woken, and stops cleanly', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-outbox-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const server = new TaxiiServer({ title: 'National', apiRoot: 'national', collections: [{ id: 'acme-incidents', title: 'ACME', organizations: ['acme'] }], authenticate: authenticateTestToken, audit: new MemoryAccessAuditLog() });
    const { url } = await server.listen();
    cleanup.push(() => server.close());
    const outbox = await Outbox.open(dir);
    cleanup.push(() => outbox.close());
    const forwarder = new Forwarder({ endpoint: { kind: 'taxii', apiRoot: `${url}/national/`, token: 'soc' }, signingKey: generateSigningKey('k').signing, outbox });
    const bundle = bundlesFor([detectionAlert()])[0]!;
    let resolveDelivered: (ids: string[]) => void;
    const delivered = new Promise<string[]>((resolve) => (resolveDelivered = resolve));
    const loop = new ForwardingLoop(forwarder, { idleMs: 3_600_000, onReport: (r) => r.delivered.length && resolveDelivered(r.delivered) });
    loop.start();
    await forwarder.accept(bundle, DEST);
    loop.wake();
    expect(await delivered).toEqual([bundle.id]);
    await loop.stop();
    expect(outbox.pending()).toEqual([]);
  });
});
