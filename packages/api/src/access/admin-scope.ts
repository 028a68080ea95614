/**
 * What an admin may administer. Central admins (a layer-2 admin token created `--central`, or the laptop mode's local
 * caller) hold the rule set, reloads and the tokens of every organisation. Organisation admins (any other admin token)
 * hold the tokens and sharing policies of their own organisations only: they cannot touch a token that covers an
 * organisation they do not hold, a central token or a national (layer 4) token, nor mint one.
 */
import type { Principal } from './principal.ts';
import type { NewToken, TokenRecord } from './token-store.ts';

export function isAdmin(p: Principal): boolean {
  return p.role === 'admin' && !p.readOnly;
}

/** Reload the rule set (global to every organisation). */
export function mayReloadRules(p: Principal): boolean {
  return isAdmin(p) && p.central === true;
}

/** Whether `p` may see or revoke this token. */
export function mayManageToken(p: Principal, token: Pick<TokenRecord, 'organizations' | 'layer' | 'central'>): boolean {
  if (!isAdmin(p)) return false;
  if (p.central === true) return true;
  if (token.central || token.layer === 4) return false;
  return token.organizations.length > 0 && token.organizations.every((o) => p.organizations.includes(o));
}

/** Why `p` may not create this token, or undefined when it may. */
export function tokenCreationRefusal(p: Principal, token: NewToken): string | undefined {
  if (!isAdmin(p)) return 'creating tokens needs an admin token';
  if (p.central === true) return undefined;
  if (token.central) return 'only a central admin can create a central admin token';
  if (token.layer === 4) return 'only a central admin can create a national (layer 4) token';
  const foreign = token.organizations.filter((o) => !p.organizations.includes(o));
  if (token.organizations.length === 0 || foreign.length > 0) return `an organisation admin creates tokens for its own organisations only (${p.organizations.join(', ')})`;
  return undefined;
}

/** Whether `p` may read the sharing policy of `organization`. */
export function mayReadSharingPolicy(p: Principal, organization: string): boolean {
  return isAdmin(p) && (p.central || p.organizations.includes(organization));
}

/** Whether `p` may replace the sharing policy of `organization` (`PUT /admin/sharing-policies/<org>`). */
export function mayWriteSharingPolicy(p: Principal, organization: string): boolean {
  return mayReadSharingPolicy(p, organization);
}
