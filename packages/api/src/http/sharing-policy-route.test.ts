import { silentLogger } from '@socle/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAccessAuditLog } from '../access/access-audit-log.ts';
import type { Layer, Role } from '../access/principal.ts';
import { MemoryTokenStore } from '../access/token-store.ts';
import { AlertJournal } from '../alerts/alert-journal.ts';
import { JournalAlertStore } from '../alerts/journal-alert-store.ts';
import type { SharingPolicyWrite } from './admin-routes.ts';
import { startAlertApi, type RunningAlertApi } from './alert-api.ts';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const PATH = '/admin/sharing-policies/org-a';

let dir: string;
let journal: AlertJournal;
let api: RunningAlertApi;
const audit = new MemoryAccessAuditLog();
const tokens = new MemoryTokenStore();
const token = new Map<string, string>();
/** What the adapter was asked to write; it answers like the runtime's: org-a and org-b have policies. */
const writes: Array<{ organization: string; policy: unknown; central: boolean }> = [];

async function adapter(organization: string, policy: unknown, by: { central: boolean }): Promise<SharingPolicyWrite> {
  if (!['org-a', 'org-b'].includes(organization)) return { status: 'not-found' };
  const p = policy as Record<string, unknown>;
  if (p.minimumSeverity === 'extreme') return { status: 'invalid', problem: "minimumSeverity: Invalid enum value. Expected 'informational' | 'low' | 'medium' | 'high' | 'critical'" };
  writes.push({ organization, policy, central: by.central });
  return { status: 'written', policy: { organization, ...p } };
}

function mint(name: string, layer: Layer, organizations: string[], role: Role, central = false): void {
  const created = tokens.create({ layer, organizations, role, expiresAt: '2027-12-01T00:00:00Z', createdBy: 'test', ...(central ? { central: true } : {}) }, NOW);
  token.set(name, created.token);
}

function put(who: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(api.url + path, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token.get(who)}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-policy-route-'));
  journal = await AlertJournal.open(join(dir, 'alerts'));
  mint('org-a admin', 1, ['org-a'], 'admin');
  mint('org-b admin', 1, ['org-b'], 'admin');
  mint('central admin', 2, ['org-c'], 'admin', true);
  mint('org-a analyst', 1, ['org-a'], 'analyst');
  mint('org-a auditor', 3, ['org-a'], 'auditor');
  api = await startAlertApi({ store: new JournalAlertStore(journal), tokens, audit, logger: silentLogger, now: () => NOW, admin: { writeSharingPolicy: adapter } }, '127.0.0.1', 0);
});

afterAll(async () => {
  await api.close();
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  writes.length = 0;
  audit.entries.length = 0;
});

describe('PUT /admin/sharing-policies/<organization>', () => {
  it("lets an organisation's admin replace its policy, audited with action and subject", async () => {
    const r = await put('org-a admin', PATH, { sharedBy: 'soc-a', minimumSeverity: 'high' });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { policy: unknown }).policy).toMatchObject({ organization: 'org-a', minimumSeverity: 'high' });
    expect(writes).toEqual([{ organization: 'org-a', policy: { sharedBy: 'soc-a', minimumSeverity: 'high' }, central: false }]);
    expect(audit.entries).toEqual([expect.objectContaining({ method: 'PUT', target: PATH, status: 200, action: 'sharing-policies.write', subject: 'org-a' })]);
  });

  it('lets a central admin replace the policy of any organisation', async () => {
    const r = await put('central admin', '/admin/sharing-policies/org-b', { sharedBy: 'soc-b' });
    expect(r.status).toBe(200);
    expect(writes).toEqual([{ organization: 'org-b', policy: { sharedBy: 'soc-b' }, central: true }]);
  });

  it.each([
    ['org-b admin', 'another organisation'],
    ['org-a analyst', 'an analyst'],
    ['org-a auditor', 'an auditor'],
  ])('refuses %s (%s) with 403, writes nothing, audits the refusal', async (who) => {
    const r = await put(who, PATH, { sharedBy: 'soc-a' });
    expect(r.status).toBe(403);
    expect(writes).toEqual([]);
    expect(audit.entries).toEqual([expect.objectContaining({ status: 403, action: 'sharing-policies.write', subject: 'org-a', reason: expect.any(String) })]);
  });

  it('answers 404 for an organisation without a policy file', async () => {
    const r = await put('central admin', '/admin/sharing-policies/org-z', { sharedBy: 'soc-z' });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toMatch(/no sharing policy file configured for org-z/);
    expect(audit.entries[0]).toMatchObject({ status: 404, action: 'sharing-policies.write', subject: 'org-z' });
  });

  it('answers 400 naming the field of an invalid policy, and audits it', async () => {
    const r = await put('org-a admin', PATH, { sharedBy: 'soc-a', minimumSeverity: 'extreme' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/^minimumSeverity: /);
    expect(audit.entries[0]).toMatchObject({ status: 400, action: 'sharing-policies.write', subject: 'org-a' });
  });

  it('answers 400 for a body that is not JSON, 415 without a JSON content type, 405 for other methods; all audited', async () => {
    expect((await put('org-a admin', PATH, '{not json')).status).toBe(400);
    expect((await put('org-a admin', PATH, { sharedBy: 'soc-a' }, { 'content-type': 'text/plain' })).status).toBe(415);
    const post = await fetch(api.url + PATH, { method: 'POST', headers: { authorization: `Bearer ${token.get('org-a admin')}`, 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('PUT');
    expect(writes).toEqual([]);
    expect(audit.entries.map((e) => [e.status, e.action])).toEqual([
      [400, 'sharing-policies.write'],
      [415, 'sharing-policies.write'],
      [405, 'sharing-policies.write'],
    ]);
  });

  it('refuses a cross-site PUT before it reaches the policy', async () => {
    const r = await put('org-a admin', PATH, { sharedBy: 'soc-a' }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(r.status).toBe(403);
    expect(writes).toEqual([]);
  });
});
