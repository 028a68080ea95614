/** Bearer tokens mapped to principals, standing in for the access module's token store in the sharing tests. */
import { MemoryAccessAuditLog, type AuthError, type Principal } from '@socle/api';
import { TaxiiServer } from './taxii-server.ts';

const base = { expiresAt: '2099-01-01T00:00:00.000Z' };
export const PRINCIPALS: Record<string, Principal> = {
  soc: { ...base, tokenId: 'soc', layer: 2, organizations: ['acme'], role: 'analyst', readOnly: false },
  otherSoc: { ...base, tokenId: 'other-soc', layer: 2, organizations: ['globex'], role: 'analyst', readOnly: false },
  national: { ...base, tokenId: 'national', layer: 4, organizations: [], role: 'national', readOnly: true },
  auditor: { ...base, tokenId: 'auditor', layer: 3, organizations: ['acme'], role: 'auditor', readOnly: true },
  onSite: { ...base, tokenId: 'on-site', layer: 1, organizations: ['acme'], role: 'analyst', readOnly: false },
};

export function authenticateTestToken(header: string | undefined): Principal | AuthError {
  const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  if (!token) return { error: 'unauthenticated', reason: 'missing' };
  return PRINCIPALS[token] ?? { error: 'unauthenticated', reason: 'unknown' };
}

/** The national TAXII server of the upward-sharing tests: collection `acme`, trusting bundles signed by `soc-hanoi`. */
export function nationalTaxiiServer(socHanoiPublicKeyPem: string): TaxiiServer {
  return new TaxiiServer({
    title: 'National',
    apiRoot: 'national',
    collections: [{ id: 'acme', title: 'ACME', organizations: ['acme'] }],
    authenticate: authenticateTestToken,
    audit: new MemoryAccessAuditLog(),
    trustedKeys: { 'soc-hanoi': socHanoiPublicKeyPem },
  });
}
