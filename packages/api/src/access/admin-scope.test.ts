import { describe, expect, it } from 'vitest';
import { mayManageToken, mayReadSharingPolicy, mayReloadRules, tokenCreationRefusal } from './admin-scope.ts';
import type { Principal } from './principal.ts';

const p = (over: Partial<Principal>): Principal => ({ tokenId: 't', layer: 2, organizations: ['org-a', 'org-b'], role: 'admin', expiresAt: '2099-01-01T00:00:00Z', readOnly: false, ...over });
const token = (organizations: string[], over: { layer?: 1 | 2 | 3 | 4; central?: boolean } = {}) => ({ organizations, layer: over.layer ?? 2, ...(over.central ? { central: true } : {}) });
const newToken = (organizations: string[], over: { layer?: 1 | 2 | 3 | 4; central?: boolean } = {}) => ({ organizations, layer: over.layer ?? 1, role: 'analyst' as const, expiresAt: '2099-01-01T00:00:00Z', createdBy: 'x', ...over });

describe('admin scope', () => {
  it('only central admins reload the rule set', () => {
    expect(mayReloadRules(p({ central: true }))).toBe(true);
    expect(mayReloadRules(p({}))).toBe(false);
    expect(mayReloadRules(p({ role: 'analyst', central: true }))).toBe(false);
  });

  it('organisation admins manage tokens within their organisations only; central admins all', () => {
    const org = p({});
    expect(mayManageToken(org, token(['org-a']))).toBe(true);
    expect(mayManageToken(org, token(['org-a', 'org-b']))).toBe(true);
    expect(mayManageToken(org, token(['org-a', 'org-c']))).toBe(false);
    expect(mayManageToken(org, token([], { layer: 4 }))).toBe(false);
    expect(mayManageToken(org, token(['org-a'], { central: true }))).toBe(false);
    expect(mayManageToken(p({ central: true }), token(['org-z'], { layer: 4 }))).toBe(true);
    expect(mayManageToken(p({ role: 'analyst' }), token(['org-a']))).toBe(false);
  });

  it('organisation admins mint tokens for their organisations only, never central or national ones', () => {
    const org = p({});
    expect(tokenCreationRefusal(org, newToken(['org-a']))).toBeUndefined();
    expect(tokenCreationRefusal(org, newToken(['org-c']))).toMatch(/own organisations/);
    expect(tokenCreationRefusal(org, newToken([], { layer: 4 }))).toMatch(/national/);
    expect(tokenCreationRefusal(org, newToken(['org-a'], { layer: 2, central: true }))).toMatch(/central/);
    expect(tokenCreationRefusal(p({ central: true }), newToken([], { layer: 4 }))).toBeUndefined();
  });

  it('sharing policies: an organisation admin reads its own', () => {
    expect(mayReadSharingPolicy(p({}), 'org-a')).toBe(true);
    expect(mayReadSharingPolicy(p({}), 'org-c')).toBe(false);
    expect(mayReadSharingPolicy(p({ central: true }), 'org-c')).toBe(true);
  });
});
