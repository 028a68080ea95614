import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticate, isAuthError, FileTokenStore } from '@socle/api';
import { runCli } from './cli-run.test-helper.ts';
import { registerTokens } from './tokens.ts';

let dir: string;
let store: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'socle-tokens-cli-'));
  store = join(dir, 'tokens.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tokens = (...args: string[]) => runCli(registerTokens, ['tokens', ...args]);

describe('socle tokens', () => {
  it('create prints the secret once, list never shows it, revoke stops it working', async () => {
    const created = await tokens('create', '--layer', '2', '--org', 'org-a', '--org', 'org-b', '--role', 'analyst', '--expires', '30d', '--store', store, '--created-by', 'lan');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^socle_[0-9a-f]{16}_[0-9a-f]{64}$/);
    expect(created.stderr).toMatch(/layer 2, analyst, organisations org-a, org-b, expires/);
    expect((await stat(store)).mode & 0o777).toBe(0o600);
    expect(await readFile(store, 'utf8')).not.toContain(token.split('_')[2]);

    const id = token.split('_')[1];
    const listed = await tokens('list', '--store', store);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  layer 2  analyst   org-a,org-b .* expires .* by lan\\n$`));
    expect(listed.stdout).not.toContain(token.split('_')[2]);
    const json = JSON.parse((await tokens('list', '--store', store, '--json')).stdout);
    expect(json[0]).not.toHaveProperty('hash');

    expect(authenticate(`Bearer ${token}`, new FileTokenStore(store), Date.now())).toMatchObject({ layer: 2, organizations: ['org-a', 'org-b'] });
    expect(await tokens('revoke', id, '--store', store)).toMatchObject({ code: 0, stdout: `token ${id} revoked\n` });
    const after = authenticate(`Bearer ${token}`, new FileTokenStore(store), Date.now());
    expect(isAuthError(after) && after.reason).toBe('revoked');
    expect((await tokens('list', '--store', store)).stdout).toMatch(/revoked /);
  });

  it('creates a central admin with --central, and only as a layer-2 admin', async () => {
    const created = await tokens('create', '--layer', '2', '--org', 'org-a', '--role', 'admin', '--central', '--expires', '1d', '--store', store);
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/layer 2, central admin/);
    expect(authenticate(`Bearer ${created.stdout.trim()}`, new FileTokenStore(store), Date.now())).toMatchObject({ role: 'admin', central: true });
    const analyst = await tokens('create', '--layer', '2', '--org', 'org-a', '--role', 'analyst', '--central', '--expires', '1d', '--store', store);
    expect(analyst.code).toBe(2);
    expect(analyst.stderr).toMatch(/central: only a layer-2 admin token can be a central admin/);
  });

  it('explains bad options and unknown ids', async () => {
    expect(await tokens('create', '--layer', '1', '--org', 'a', '--org', 'b', '--expires', '1d', '--store', store)).toMatchObject({ code: 2, stderr: expect.stringMatching(/a layer-1 token covers exactly one organisation/) });
    expect(await tokens('create', '--layer', '5', '--expires', '1d', '--store', store)).toMatchObject({ code: 2, stderr: expect.stringMatching(/--layer 5: use 1, 2, 3 or 4/) });
    expect(await tokens('create', '--layer', '3', '--org', 'a', '--role', 'auditor', '--expires', 'later', '--store', store)).toMatchObject({ code: 2, stderr: expect.stringMatching(/expires: 'later'/) });
    expect(await tokens('revoke', '0123456789abcdef', '--store', store)).toMatchObject({ code: 2, stderr: expect.stringMatching(/0123456789abcdef: no such token/) });
  });
});
