/**
 * Who is calling the API: a principal is what a valid API token grants. The four layers follow
 * /work/shared/four-layer.md: 1 on-site (one organisation), 2 SOC (its organisations), 3 auditor (read-only,
 * time-boxed, every read audited), 4 national (only what was shared upward).
 */
import type { TokenStore } from './token-store.ts';

export type Layer = 1 | 2 | 3 | 4;
export const LAYERS: readonly Layer[] = [1, 2, 3, 4];

export type Role = 'analyst' | 'admin' | 'auditor' | 'national';
export const ROLES: readonly Role[] = ['analyst', 'admin', 'auditor', 'national'];

export interface Principal {
  tokenId: string;
  layer: Layer;
  /** The organisations this principal may see (layer 1: exactly one). */
  organizations: string[];
  role: Role;
  /** ISO 8601. */
  expiresAt: string;
  /** True for auditors (layer 3) and national (layer 4): any write is refused with 403. */
  readOnly: boolean;
  /**
   * A central admin (role admin, token created with `--central`): the rule set, reloads and the tokens of every
   * organisation. Other admins are organisation admins: the tokens and sharing policies of their organisations.
   */
  central?: boolean;
}

/** The token-less laptop mode's caller (loopback only): a central admin of a single-organisation install. */
export const LOCAL_PRINCIPAL_ID = 'local';

/** Why authentication failed; logged server-side only, never sent to the client (which only sees a 401). */
export type AuthFailureReason = 'missing' | 'malformed' | 'unknown' | 'forged' | 'revoked' | 'expired';

export interface AuthError {
  error: 'unauthenticated';
  reason: AuthFailureReason;
  /** The token id when the header carried a well-formed one (never the secret). */
  tokenId?: string;
}

export function isAuthError(value: Principal | AuthError): value is AuthError {
  return (value as AuthError).error === 'unauthenticated';
}

/** The token format: `socle_<id>_<secret>`; the id is 16 hex characters, the secret 64 hex (256 bits). */
const TOKEN_PATTERN = /^socle_([0-9a-f]{16})_([0-9a-f]{64})$/;

export function parseBearerToken(authorizationHeader: string | undefined): { id: string; secret: string } | 'missing' | 'malformed' {
  if (authorizationHeader === undefined || authorizationHeader.trim() === '') return 'missing';
  if (authorizationHeader.length > 512) return 'malformed';
  const match = /^Bearer ([^\s]+)$/.exec(authorizationHeader.trim());
  if (!match) return 'malformed';
  const token = TOKEN_PATTERN.exec(match[1]);
  return token ? { id: token[1], secret: token[2] } : 'malformed';
}

/** Checks `Authorization: Bearer socle_<id>_<secret>` against the token store at time `now` (epoch ms). */
export function authenticate(authorizationHeader: string | undefined, tokens: TokenStore, now: number): Principal | AuthError {
  const parsed = parseBearerToken(authorizationHeader);
  if (parsed === 'missing' || parsed === 'malformed') return { error: 'unauthenticated', reason: parsed };
  const record = tokens.find(parsed.id);
  if (!record) return { error: 'unauthenticated', reason: 'unknown', tokenId: parsed.id };
  if (!tokens.verifySecret(record, parsed.secret)) return { error: 'unauthenticated', reason: 'forged', tokenId: parsed.id };
  if (record.revokedAt !== undefined) return { error: 'unauthenticated', reason: 'revoked', tokenId: parsed.id };
  const expiry = Date.parse(record.expiresAt);
  if (!Number.isFinite(expiry) || expiry <= now) return { error: 'unauthenticated', reason: 'expired', tokenId: parsed.id };
  return {
    tokenId: record.id,
    layer: record.layer,
    organizations: [...record.organizations],
    role: record.role,
    expiresAt: record.expiresAt,
    readOnly: record.layer === 3 || record.layer === 4 || record.role === 'auditor' || record.role === 'national',
    central: record.role === 'admin' && record.central === true,
  };
}
