import { describe, expect, it } from 'vitest';
import { makeScopedAlert } from '../testing/scoped-alerts.ts';
import { alertInScope, redactForPrincipal, scopeQuery } from './alert-scope.ts';
import type { Principal } from './principal.ts';

const principal = (layer: 1 | 2 | 3 | 4, organizations: string[]): Principal => ({
  tokenId: 't',
  layer,
  organizations,
  role: layer === 3 ? 'auditor' : layer === 4 ? 'national' : 'analyst',
  expiresAt: '2030-01-01T00:00:00Z',
  readOnly: layer >= 3,
});
const T = '2026-11-23T10:00:00Z';

describe('scopeQuery', () => {
  it('confines a query to the principal organisations and only narrows client filters', () => {
    const soc = principal(2, ['org-a', 'org-b']);
    expect(scopeQuery(soc, {}).organization).toEqual(['org-a', 'org-b']);
    expect(scopeQuery(soc, { organization: ['org-b', 'org-c'] }).organization).toEqual(['org-b']);
    expect(scopeQuery(soc, { organization: ['org-c'] }).organization).toEqual([]);
  });

  it('forces shared-only and organisation-bearing alerts for layer 4', () => {
    expect(scopeQuery(principal(4, []), { organization: ['org-z'] })).toEqual({ organization: ['org-z'], sharedOnly: true, withOrganization: true });
  });
});

describe('alertInScope', () => {
  it('needs every organisation of the alert to be in scope, and the sharing flag for layer 4', () => {
    const ab = makeScopedAlert({ id: 'x', time: T, org: ['org-a', 'org-b'] });
    expect(alertInScope(principal(1, ['org-a']), ab)).toBe(false);
    expect(alertInScope(principal(2, ['org-a', 'org-b']), ab)).toBe(true);
    expect(alertInScope(principal(2, ['org-a']), makeScopedAlert({ id: 'y', time: T }))).toBe(false);
    expect(alertInScope(principal(4, []), makeScopedAlert({ id: 'z', time: T, org: 'org-a' }))).toBe(false);
    expect(alertInScope(principal(4, []), makeScopedAlert({ id: 'z', time: T, org: 'org-a', shared: true }))).toBe(true);
  });
});

describe('SOC-wide correlations (socle.organizations)', () => {
  it('are visible only to a principal holding every member organisation, whatever organization.id says', () => {
    const soc = makeScopedAlert({ id: 's', time: T, org: 'soc-1', members: ['org-a', 'org-b'] });
    expect(alertInScope(principal(2, ['org-a', 'org-b']), soc)).toBe(true);
    expect(alertInScope(principal(2, ['org-a', 'org-b', 'org-c']), soc)).toBe(true);
    expect(alertInScope(principal(2, ['org-a']), soc)).toBe(false);
    expect(alertInScope(principal(2, ['soc-1']), soc)).toBe(false);
    expect(alertInScope(principal(1, ['org-b']), soc)).toBe(false);
  });

  it('a malformed member list hides the alert from everyone', () => {
    for (const members of [[], [''], [42]] as unknown as string[][]) {
      const bad = makeScopedAlert({ id: 'm', time: T, org: 'soc-1', members });
      expect(alertInScope(principal(2, ['org-a', 'org-b', 'soc-1']), bad), JSON.stringify(members)).toBe(false);
      expect(alertInScope(principal(4, []), { ...bad, socle: { ...bad.socle, sharing: { shared: true, view: { alertId: 'm' } } } })).toBe(false);
    }
  });

  it('layer 4 needs the shared view itself, not only the flag', () => {
    const flagOnly = makeScopedAlert({ id: 'f', time: T, org: 'org-a' });
    flagOnly.socle.sharing = { shared: true, tlp: 'AMBER' };
    expect(alertInScope(principal(4, []), flagOnly)).toBe(false);
    flagOnly.socle.sharing = { shared: true, view: { alertId: 'another-alert' } };
    expect(alertInScope(principal(4, []), flagOnly)).toBe(false);
  });
});

describe('redactForPrincipal', () => {
  it('removes the raw event for layer 4 only', () => {
    const alert = makeScopedAlert({ id: 'e', time: T, org: 'org-a', shared: true, event: { message: 'raw' } });
    expect(redactForPrincipal(principal(4, []), alert)['socle.event']).toBeUndefined();
    expect(redactForPrincipal(principal(2, ['org-a']), alert)['socle.event']).toEqual({ message: 'raw' });
  });
});
