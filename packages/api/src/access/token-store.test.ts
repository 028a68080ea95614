import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticate, isAuthError } from './principal.ts';
import { FileTokenStore, MemoryTokenStore, parseExpiry } from './token-store.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-tokens-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileTokenStore', () => {
  it('concurrent writers in several processes never undo each other (create vs revoke)', async () => {
    const path = join(dir, 'shared', 'tokens.json');
    const helper = fileURLToPath(new URL('./token-store-writer.test-helper.ts', import.meta.url));
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const writers = ['w1', 'w2', 'w3', 'w4'];
    await Promise.all(writers.map((w) => promisify(execFile)(process.execPath, ['--import', 'tsx', helper, path, w, '12'], { cwd: root })));
    const records = new FileTokenStore(path).list();
    expect(records).toHaveLength(writers.length * 12);
    for (const r of records) {
      const i = Number(r.description!.split('-')[1]);
      expect(r.revokedAt !== undefined, r.description).toBe(i % 2 === 1);
    }
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'shared'))).mode & 0o777).toBe(0o700);
  }, 60_000);

  it('a store with a stale view re-reads the file before changing it', () => {
    const path = join(dir, 'tokens.json');
    const a = new FileTokenStore(path);
    const b = new FileTokenStore(path);
    const first = a.create({ layer: 1, organizations: ['org-a'], role: 'analyst', expiresAt: new Date(NOW + DAY).toISOString(), createdBy: 'a' }, NOW);
    expect(b.revoke(first.record.id, NOW)).toBe(true);
    a.create({ layer: 1, organizations: ['org-b'], role: 'analyst', expiresAt: new Date(NOW + DAY).toISOString(), createdBy: 'a' }, NOW);
    expect(new FileTokenStore(path).find(first.record.id)?.revokedAt).toBeDefined();
  });

  it('stores only a salted hash, in a 0600 file, and authenticates the token shown once', async () => {
    const store = new FileTokenStore(join(dir, 'tokens.json'));
    const { token, record } = store.create({ layer: 2, organizations: ['org-a', 'org-b'], role: 'analyst', expiresAt: new Date(NOW + DAY).toISOString(), createdBy: 'alice' }, NOW);
    expect(token).toMatch(/^socle_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const text = await readFile(store.path, 'utf8');
    expect(text).not.toContain(token.split('_')[2]);
    expect(JSON.parse(text).tokens[0]).toMatchObject({ id: record.id, layer: 2, organizations: ['org-a', 'org-b'], createdBy: 'alice' });
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);

    const principal = authenticate(`Bearer ${token}`, new FileTokenStore(store.path), NOW);
    expect(principal).toEqual({ tokenId: record.id, layer: 2, organizations: ['org-a', 'org-b'], role: 'analyst', expiresAt: record.expiresAt, readOnly: false, central: false });
  });

  it('rejects expired, revoked, forged, unknown and malformed tokens, telling the server which', () => {
    const store = new MemoryTokenStore();
    const { token, record } = store.create({ layer: 3, organizations: ['org-a'], role: 'auditor', expiresAt: new Date(NOW + DAY).toISOString(), createdBy: 't' }, NOW);
    const reason = (header: string | undefined, now = NOW) => {
      const r = authenticate(header, store, now);
      return isAuthError(r) ? r.reason : 'ok';
    };
    expect(reason(`Bearer ${token}`)).toBe('ok');
    expect(authenticate(`Bearer ${token}`, store, NOW)).toMatchObject({ layer: 3, readOnly: true });
    expect(reason(`Bearer ${token}`, NOW + DAY)).toBe('expired');
    expect(reason(`Bearer ${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`)).toBe('forged');
    expect(reason(`Bearer socle_ffffffffffffffff_${token.split('_')[2]}`)).toBe('unknown');
    expect(reason(undefined)).toBe('missing');
    expect(reason(token)).toBe('malformed');
    expect(reason(`Bearer ${token} x`)).toBe('malformed');
    store.revoke(record.id, NOW);
    expect(reason(`Bearer ${token}`)).toBe('revoked');
  });

  it('refuses scopes that do not fit the layer, naming the option', () => {
    const store = new MemoryTokenStore();
    const expiresAt = new Date(NOW + DAY).toISOString();
    expect(() => store.create({ layer: 1, organizations: ['a', 'b'], role: 'analyst', expiresAt, createdBy: 't' }, NOW)).toThrow(/^org: a layer-1 token covers exactly one organisation/);
    expect(() => store.create({ layer: 2, organizations: [], role: 'analyst', expiresAt, createdBy: 't' }, NOW)).toThrow(/^org: a layer-2 token needs at least one --org/);
    expect(() => store.create({ layer: 3, organizations: ['a'], role: 'analyst', expiresAt, createdBy: 't' }, NOW)).toThrow(/^role: a layer-3 token is an auditor token/);
    expect(() => store.create({ layer: 2, organizations: ['a'], role: 'national', expiresAt, createdBy: 't' }, NOW)).toThrow(/^role: national tokens are layer 4/);
    expect(() => store.create({ layer: 2, organizations: ['../etc'], role: 'analyst', expiresAt, createdBy: 't' }, NOW)).toThrow(/^org: '..\/etc' is not a valid organisation id/);
    expect(() => store.create({ layer: 2, organizations: ['a'], role: 'analyst', expiresAt: new Date(NOW - 1).toISOString(), createdBy: 't' }, NOW)).toThrow(/^expires: .* is already past/);
  });

  it('names the file and entry when the store is damaged', async () => {
    const path = join(dir, 'tokens.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, '{"version":1,"tokens":[{"id":"x"}]}'));
    expect(() => new FileTokenStore(path)).toThrow(`${path}: tokens[0] is malformed`);
  });
});

describe('parseExpiry', () => {
  it('reads durations and dates', () => {
    expect(parseExpiry('30d', NOW)).toBe('2026-12-23T12:00:00.000Z');
    expect(parseExpiry('12h', NOW)).toBe('2026-11-24T00:00:00.000Z');
    expect(parseExpiry('2027-01-01T00:00:00Z', NOW)).toBe('2027-01-01T00:00:00.000Z');
    expect(() => parseExpiry('soon', NOW)).toThrow(/^expires: 'soon'/);
  });
});
