/**
 * `socle run` with sharing: an organisation admin changes its policy with `PUT /admin/sharing-policies/<org>` and the
 * running UpwardSharing decides with the new policy from its next pass, without a restart.
 */
import { createLogger } from '@socle/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertJournal, FileTokenStore } from '@socle/api';
import { makeScopedAlert } from '@socle/api/testing';
import { generateSigningKey } from '@socle/sharing';
import { runConfigSchema } from './run-config.ts';
import { EmbeddedService } from './embedded-service.ts';

let dir: string;
let service: EmbeddedService | undefined;
let adminToken: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-run-policy-put-'));
  // Nothing is shared at first: both alerts are below critical.
  await writeFile(join(dir, 'acme.yml'), 'organization: acme\nsharedBy: SOC Hanoi\nminimumSeverity: critical\npersonalData: {users: redact, emails: redact, internalHosts: redact, internalAddresses: redact}\n');
  const { signing } = generateSigningKey('soc-hanoi');
  await writeFile(join(dir, 'soc.pem'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const tokens = new FileTokenStore(join(dir, 'tokens.json'));
  adminToken = tokens.create({ layer: 1, organizations: ['acme'], role: 'admin', expiresAt: '2099-01-01T00:00:00Z', createdBy: 'test' }).token;
  const journal = await AlertJournal.open(join(dir, 'data', 'alerts'));
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await journal.write([
    makeScopedAlert({ id: 'acme-high', time: hourAgo, org: 'acme', level: 'high' }),
    makeScopedAlert({ id: 'acme-medium', time: hourAgo, org: 'acme', level: 'medium' }),
  ]);
  await journal.close();
  const config = runConfigSchema.parse({
    dataDir: join(dir, 'data'),
    inputs: [{ type: 'stdin', organization: 'acme', format: 'auth' }],
    api: { listen: '127.0.0.1:0', tokens: join(dir, 'tokens.json') },
    sharing: {
      policies: [join(dir, 'acme.yml')],
      outbox: join(dir, 'outbox'),
      endpoint: { socle: 'http://127.0.0.1:9/ingest' },
      signingKey: { file: join(dir, 'soc.pem'), keyId: 'soc-hanoi' },
      intervalMs: 1000,
    },
  });
  service = new EmbeddedService(config, { stdin: new PassThrough(), logger: createLogger({ format: 'text', write: () => {} }) });
  await service.start();
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function shared(id: string): Promise<boolean> {
  const res = await fetch(`${service!.apiUrl}/alerts/${id}`, { headers: { authorization: `Bearer ${adminToken}` } });
  const body = (await res.json()) as { alert: { socle: { sharing?: { shared?: boolean } } } };
  return body.alert.socle.sharing?.shared === true;
}

describe('socle run: PUT /admin/sharing-policies/<org>', () => {
  it('shares with the new policy from the next pass, without a restart', async () => {
    expect(await shared('acme-high')).toBe(false);
    const res = await fetch(`${service!.apiUrl}/admin/sharing-policies/acme`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sharedBy: 'SOC Hanoi', minimumSeverity: 'high', personalData: { users: 'redact', emails: 'redact', internalHosts: 'redact', internalAddresses: 'redact' } }),
    });
    expect(res.status).toBe(200);
    await vi.waitFor(async () => expect(await shared('acme-high')).toBe(true), { timeout: 20_000, interval: 200 });
    expect(await shared('acme-medium')).toBe(false);
    const policies = await fetch(`${service!.apiUrl}/admin/sharing-policies`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(((await policies.json()) as { policies: unknown[] }).policies).toEqual([expect.objectContaining({ organization: 'acme', minimumSeverity: 'high' })]);
  }, 30_000);
});
