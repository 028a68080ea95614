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

describe('redactForPrincipal', () => {
  it('removes the raw event for layer 4 only', () => {
    const alert = makeScopedAlert({ id: 'e', time: T, org: 'org-a', shared: true, event: { message: 'raw' } });
    expect(redactForPrincipal(principal(4, []), alert)['socle.event']).toBeUndefined();
    expect(redactForPrincipal(principal(2, ['org-a']), alert)['socle.event']).toEqual({ message: 'raw' });
  });
});
