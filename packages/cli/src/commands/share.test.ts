import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertJournal, MemoryAccessAuditLog, MemoryTokenStore, authenticate } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { generateSigningKey, TaxiiServer } from '@socle/sharing';
import { registerShare } from './share.ts';
import { runCli } from './cli-run.test-helper.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  delete process.env.SOCLE_UPSTREAM_TOKEN;
});

describe('socle share push', () => {
  it("signs for the policy's collection and organisation, which a receiver checking signatures accepts", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'socle-share-cli-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'globex.yml'), 'organization: globex\nsharedBy: SOC\ncollection: south\ntlp: GREEN\npersonalData: {users: share, emails: share, internalHosts: share, internalAddresses: share}\n');
    const { signing, publicKeyPem } = generateSigningKey('soc');
    await writeFile(join(dir, 'soc.pem'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const journal = await AlertJournal.open(join(dir, 'alerts'));
    await journal.write([makeScopedAlert({ id: 'g1', time: '2026-11-23T09:00:00Z', org: 'globex', level: 'high', sourceIp: '203.0.113.9' })]);
    await journal.close();
    const tokens = new MemoryTokenStore();
    const soc = tokens.create({ layer: 2, organizations: ['globex', 'initech'], role: 'analyst', expiresAt: '2099-01-01T00:00:00Z', createdBy: 't' }).token;
    const server = new TaxiiServer({
      title: 'National',
      apiRoot: 'national',
      collections: [{ id: 'south', title: 'South', organizations: ['globex', 'initech'] }, { id: 'globex', title: 'Globex', organizations: ['globex'] }],
      authenticate: (h) => authenticate(h, tokens, Date.now()),
      audit: new MemoryAccessAuditLog(),
      trustedKeys: { soc: publicKeyPem },
    });
    const { url } = await server.listen();
    cleanup.push(() => server.close());
    process.env.SOCLE_UPSTREAM_TOKEN = soc;
    const args = (outbox: string, extra: string[] = []) => ['share', 'push', '--policy', join(dir, 'globex.yml'), '--journal', join(dir, 'alerts'), '--outbox', join(dir, outbox), '--taxii', `${url}/national/`, '--signing-key', join(dir, 'soc.pem'), '--key-id', 'soc', ...extra];

    const pushed = await runCli(registerShare, args('outbox'));
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toContain('1 bundle(s) queued, 1 delivered, 0 pending');
    expect(server.store.query('south').some((s) => s.organization === 'globex' && s.object.type === 'incident')).toBe(true);
    // --collection picks another collection; the signature is made for it.
    const elsewhere = await runCli(registerShare, args('outbox-2', ['--collection', 'globex']));
    expect(elsewhere.stdout).toContain('1 delivered');
  });
});
