import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createLogger, silentLogger } from '@socle/core';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAccessAuditLog, MemoryTokenStore, AlertJournal, JournalAlertStore, startAlertApi } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { sharingConfigSchema } from './sharing-config.ts';
import { generateSigningKey } from './signed-bundle.ts';
import { nationalTaxiiServer } from './taxii-principals.test-helper.ts';
import { UpwardSharing } from './scheduled-sharing.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

const POLICY = `organization: acme
sharedBy: SOC Hanoi
minimumSeverity: high
tlp: GREEN
personalData: {users: share, emails: share, internalHosts: share, internalAddresses: share}
`;

describe('sharing upward in a running service', () => {
  it('shows a layer-4 token the alerts the policy shared, once the forwarding loop delivered them, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-upward-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { signing, publicKeyPem } = generateSigningKey('soc-hanoi');
    await writeFile(join(dir, 'soc.pem'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    await writeFile(join(dir, 'acme.yml'), POLICY);

    const taxii = nationalTaxiiServer(publicKeyPem);
    const { url: taxiiUrl } = await taxii.listen();
    cleanup.push(() => taxii.close());

    const journal = await AlertJournal.open(join(dir, 'alerts'));
    cleanup.push(() => journal.close());
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await journal.write([
      makeScopedAlert({ id: 'share-me', time: hourAgo, org: 'acme', level: 'high', sourceIp: '203.0.113.66', event: { message: 'raw' } }),
      makeScopedAlert({ id: 'too-low', time: hourAgo, org: 'acme', level: 'low', sourceIp: '203.0.113.67' }),
      makeScopedAlert({ id: 'other-org', time: hourAgo, org: 'globex', level: 'critical', sourceIp: '203.0.113.68' }),
    ]);
    const store = new JournalAlertStore(journal);

    const config = sharingConfigSchema.parse({
      policies: [join(dir, 'acme.yml')],
      outbox: join(dir, 'outbox'),
      endpoint: { taxii: `${taxiiUrl}/national/` },
      signingKey: { file: join(dir, 'soc.pem'), keyId: 'soc-hanoi' },
    });
    const logs: string[] = [];
    const sharing = await UpwardSharing.open({ config, store, sink: journal, logger: createLogger({ format: 'text', write: (line) => logs.push(line) }), env: { SOCLE_UPSTREAM_TOKEN: 'soc' } });
    cleanup.push(() => sharing.stop());

    const tokens = new MemoryTokenStore();
    const national = tokens.create({ layer: 4, organizations: [], role: 'national', expiresAt: '2099-01-01T00:00:00Z', createdBy: 'test' }).token;
    const soc = tokens.create({ layer: 2, organizations: ['acme', 'globex'], role: 'analyst', expiresAt: '2099-01-01T00:00:00Z', createdBy: 'test' }).token;
    const api = await startAlertApi({ store, tokens, audit: new MemoryAccessAuditLog(), logger: silentLogger }, '127.0.0.1', 0);
    cleanup.push(() => api.close());
    const visible = async (token: string) => {
      const res = await fetch(`${api.url}/alerts`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { alerts: { event?: { id: string }; alertId?: string; socle?: { sharing?: unknown }; 'socle.event'?: unknown }[] }).alerts;
    };
    expect(await visible(national)).toEqual([]);

    sharing.start();
    expect(await waitFor(() => Object.keys(taxii.deliveriesByBundle()).length === 1), logs.join("\n")).toBe(true);

    const seen = await visible(national);
    // Layer 4 reads the shared view the policy produced (as in the STIX bundle), never the stored alert.
    expect(seen.map((a) => a.alertId)).toEqual(['share-me']);
    expect(seen[0]).toMatchObject({ tlp: 'GREEN', organization: 'acme' });
    expect(seen[0]!.socle).toBeUndefined();
    expect(seen[0]!['socle.event']).toBeUndefined();
    // The SOC still sees all three alerts, the shared one with its raw event.
    expect((await visible(soc)).map((a) => a.event!.id).sort()).toEqual(['other-org', 'share-me', 'too-low']);
    const res = await fetch(`${api.url}/alerts/too-low`, { headers: { authorization: `Bearer ${national}` } });
    expect(res.status).toBe(404);

    // A later pass shares nothing again, and an update of the shared alert by the detection loop is marked again.
    expect(await sharing.shareDue()).toEqual({ shared: [], queued: 0 });
    await journal.write([makeScopedAlert({ id: 'share-me', time: hourAgo, org: 'acme', level: 'high', sourceIp: '203.0.113.66' })]);
    expect(await visible(national)).toEqual([]);
    expect(await sharing.shareDue()).toEqual({ shared: ['share-me'], queued: 0 });
    expect((await visible(national)).map((a) => a.alertId)).toEqual(['share-me']);
    expect(Object.values(taxii.deliveriesByBundle())).toEqual([1]);
  });

  it('publishes each shared bundle to its destination, and the already-shared window again after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-upward-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { signing } = generateSigningKey('soc-hanoi');
    await writeFile(join(dir, 'soc.pem'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    await writeFile(join(dir, 'acme.yml'), `${POLICY}collection: south\n`);
    const journal = await AlertJournal.open(join(dir, 'alerts'));
    cleanup.push(() => journal.close());
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await journal.write([makeScopedAlert({ id: 'share-me', time: hourAgo, org: 'acme', level: 'high', sourceIp: '203.0.113.66' })]);
    const store = new JournalAlertStore(journal);
    const config = sharingConfigSchema.parse({
      policies: [join(dir, 'acme.yml')],
      outbox: join(dir, 'outbox'),
      endpoint: { socle: 'http://127.0.0.1:9/ingest' },
      signingKey: { file: join(dir, 'soc.pem'), keyId: 'soc-hanoi' },
    });
    const open = async (published: string[]) =>
      UpwardSharing.open({ config, store, sink: journal, logger: silentLogger, publish: (bundle, d) => published.push(`${d.collection}/${d.organization}/${bundle.id}`) });

    const first: string[] = [];
    const sharing = await open(first);
    expect((await sharing.shareDue()).shared).toEqual(['share-me']);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^south\/acme\/bundle--/);
    expect((await sharing.shareDue()).shared).toEqual([]);
    expect(first).toHaveLength(1);
    await sharing.stop();

    // A restarted service (empty in-memory TAXII store) publishes the alert shared before, without re-queuing it.
    const second: string[] = [];
    const restarted = await open(second);
    cleanup.push(() => restarted.stop());
    expect(await restarted.shareDue()).toEqual({ shared: [], queued: 0 });
    expect(second).toEqual(first);
  });
});
