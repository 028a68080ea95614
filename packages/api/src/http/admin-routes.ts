/**
 * The admin routes, in both modes (every call audited, success or not):
 *   POST /admin/reload                  reload the rule set (central admins)
 *   GET  /admin/tokens                  tokens this admin manages (never hashes or secrets)
 *   POST /admin/tokens                  create one: {layer, organizations, role, expires, description?, central?}
 *   POST /admin/tokens/<id>/revoke      revoke one
 *   GET  /admin/sharing-policies        the sharing policies of this admin's organisations
 *   PUT  /admin/sharing-policies/<org>  replace that organisation's policy (its admins, central admins)
 */
import type { IncomingMessage } from 'node:http';
import { mayManageToken, mayReadSharingPolicy, mayReloadRules, mayWriteSharingPolicy, tokenCreationRefusal } from '../access/admin-scope.ts';
import { LAYERS, ROLES, type Layer, type Principal, type Role } from '../access/principal.ts';
import { parseExpiry, validateNewToken, type CreatedToken, type NewToken, type TokenRecord, type TokenStore } from '../access/token-store.ts';
import { HttpError, readJsonBody } from './http-io.ts';
import { isJsonRequest } from './request-guard.ts';

/** A token store the API can change (the file store and the in-memory one). */
export interface ManagedTokenStore extends TokenStore {
  list(): TokenRecord[];
  create(input: NewToken, now?: number): CreatedToken;
  revoke(id: string, now?: number): boolean;
}

export function isManagedTokenStore(store: TokenStore | undefined): store is ManagedTokenStore {
  const s = store as Partial<ManagedTokenStore> | undefined;
  return typeof s?.list === 'function' && typeof s.create === 'function' && typeof s.revoke === 'function';
}

/** What the runtime plugs in: the mode-specific actions behind the admin routes. */
export interface AdminAdapters {
  /** Reloads the rule set; `status: 'applied'` answers 200, anything else 422 (the running rule set stays). */
  reloadRules?: () => Promise<{ status: string }>;
  /** The sharing policies in force, one per organisation (without key material). */
  sharingPolicies?: () => Promise<Array<{ organization: string } & Record<string, unknown>>>;
  /** Replaces the policy file of `organization` by `policy` (a JSON body, validated by the adapter). */
  writeSharingPolicy?: (organization: string, policy: unknown, by: { central: boolean }) => Promise<SharingPolicyWrite>;
}

/** `not-found`: no configured policy names the organisation; `invalid` (400) and `refused` (403): `problem` names the field. */
export type SharingPolicyWrite =
  | { status: 'written'; policy: { organization: string } & Record<string, unknown> }
  | { status: 'not-found' }
  | { status: 'invalid' | 'refused'; problem: string };

export interface AdminReply {
  status: number;
  body: unknown;
  /** What was done or refused, for the audit trail (`tokens.create`, `reload`, ...). */
  action: string;
  /** The token acted upon. */
  subject?: string;
  reason?: string;
}

const TOKEN_ID = /^[0-9a-f]{16}$/;

export async function adminRoute(
  req: IncomingMessage,
  path: string,
  principal: Principal,
  context: { tokens?: TokenStore; adapters: AdminAdapters; now: number },
): Promise<AdminReply> {
  const method = req.method ?? 'GET';
  const refuse = (action: string, status: number, error: string, subject?: string): AdminReply => ({ status, body: { error }, action, reason: error, ...(subject ? { subject } : {}) });
  const expect = (action: string, wanted: string): AdminReply | undefined => (method === wanted ? undefined : refuse(action, 405, `${method} ${path}: use ${wanted}`));
  const policyPath = /^\/admin\/sharing-policies\/([^/]+)$/.exec(path);
  const organization = policyPath ? safeDecode(policyPath[1]).slice(0, 128) : undefined;
  if (principal.role !== 'admin' || principal.readOnly) return refuse(actionOf(path), 403, `${path}: needs an admin token (this one is ${principal.role})`, organization);
  if ((method === 'POST' || method === 'PUT') && !isJsonRequest(req)) return refuse(actionOf(path), 415, 'content-type: expected application/json (state-changing requests)', organization);

  if (path === '/admin/reload') {
    const wrong = expect('reload', 'POST');
    if (wrong) return wrong;
    if (!mayReloadRules(principal)) return refuse('reload', 403, 'reloading the rule set needs a central admin token (the rule set is shared by every organisation)');
    if (!context.adapters.reloadRules) return refuse('reload', 501, 'no rule set reload in this service');
    req.resume();
    const result = await context.adapters.reloadRules();
    return { status: result.status === 'applied' ? 200 : 422, body: result, action: 'reload', reason: result.status };
  }

  if (path === '/admin/sharing-policies') {
    const wrong = expect('sharing-policies.read', 'GET');
    if (wrong) return wrong;
    const policies = (await context.adapters.sharingPolicies?.()) ?? [];
    return { status: 200, body: { policies: policies.filter((p) => mayReadSharingPolicy(principal, p.organization)) }, action: 'sharing-policies.read' };
  }

  if (organization !== undefined) {
    const wrong = expect('sharing-policies.write', 'PUT');
    if (wrong) return { ...wrong, subject: organization };
    const refused = (status: number, error: string) => refuse('sharing-policies.write', status, error, organization);
    if (!mayWriteSharingPolicy(principal, organization)) return refused(403, `changing the sharing policy of ${organization} needs an admin token of that organisation or a central admin`);
    if (!context.adapters.writeSharingPolicy) return refused(501, 'no sharing configured in this service (sharing.policies)');
    let result: SharingPolicyWrite;
    try {
      result = await context.adapters.writeSharingPolicy(organization, await readJsonBody(req), { central: principal.central === true });
    } catch (err) {
      if (err instanceof HttpError) return refused(err.status, err.message);
      return refused(503, `sharing policy not written (${(err as Error).message})`);
    }
    if (result.status === 'not-found') return refused(404, `no sharing policy file configured for ${organization} (sharing.policies)`);
    if (result.status !== 'written') return refused(result.status === 'invalid' ? 400 : 403, result.problem);
    return { status: 200, body: { policy: result.policy }, action: 'sharing-policies.write', subject: organization };
  }

  if (path === '/admin/tokens' || path.startsWith('/admin/tokens/')) {
    const tokens = context.tokens;
    if (!isManagedTokenStore(tokens)) return refuse(actionOf(path), 501, 'no token store configured: tokens are managed with `socle tokens` once api.tokens is set');
    if (path === '/admin/tokens') {
      if (method === 'GET') {
        const visible = tokens.list().filter((t) => mayManageToken(principal, t)).map(publicTokenView);
        return { status: 200, body: { tokens: visible }, action: 'tokens.list' };
      }
      const wrong = expect('tokens.create', 'POST');
      if (wrong) return wrong;
      const input = parseNewToken(await readJsonBody(req), principal, context.now);
      const refusal = tokenCreationRefusal(principal, input);
      if (refusal) return refuse('tokens.create', 403, refusal);
      let created: CreatedToken;
      try {
        created = tokens.create(input, context.now);
      } catch (err) {
        return refuse('tokens.create', 503, `token store not writable (${(err as Error).message}); manage tokens with \`socle tokens\` where the file is writable`);
      }
      return { status: 201, body: { token: created.token, record: publicTokenView(created.record) }, action: 'tokens.create', subject: created.record.id };
    }
    const revoke = /^\/admin\/tokens\/([^/]+)\/revoke$/.exec(path);
    if (revoke) {
      const wrong = expect('tokens.revoke', 'POST');
      if (wrong) return wrong;
      const id = revoke[1];
      const record = TOKEN_ID.test(id) ? tokens.find(id) : undefined;
      // A token outside this admin's organisations answers as an unknown one.
      if (!record || !mayManageToken(principal, record)) return refuse('tokens.revoke', 404, `no token '${id.slice(0, 32)}' among the tokens you manage`, TOKEN_ID.test(id) ? id : undefined);
      try {
        tokens.revoke(id, context.now);
      } catch (err) {
        return refuse('tokens.revoke', 503, `token store not writable (${(err as Error).message})`, id);
      }
      return { status: 200, body: { id, revoked: true }, action: 'tokens.revoke', subject: id };
    }
  }
  return refuse(actionOf(path), 404, `${path.slice(0, 200)}: not found (admin routes: /admin/reload, /admin/tokens, /admin/sharing-policies)`);
}

function actionOf(path: string): string {
  if (path === '/admin/reload') return 'reload';
  if (path.startsWith('/admin/tokens')) return 'tokens';
  if (path === '/admin/sharing-policies') return 'sharing-policies.read';
  if (path.startsWith('/admin/sharing-policies/')) return 'sharing-policies.write';
  return 'admin';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A token record without its hash and salt. */
export function publicTokenView(r: TokenRecord): Omit<TokenRecord, 'hash' | 'salt'> {
  const { hash: _hash, salt: _salt, ...rest } = r;
  return rest;
}

function parseNewToken(body: unknown, principal: Principal, now: number): NewToken {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'body: expected a JSON object {layer, organizations, role, expires}');
  const b = body as Record<string, unknown>;
  const known = ['layer', 'organizations', 'role', 'expires', 'description', 'central'];
  const unknown = Object.keys(b).filter((k) => !known.includes(k));
  if (unknown.length) throw new HttpError(400, `body: unknown field '${unknown[0]!.slice(0, 40)}' (use ${known.join(', ')})`);
  if (!LAYERS.includes(b.layer as Layer)) throw new HttpError(400, 'layer: use 1, 2, 3 or 4');
  if (!Array.isArray(b.organizations) || !b.organizations.every((o) => typeof o === 'string') || b.organizations.length > 100) {
    throw new HttpError(400, 'organizations: expected a list of organisation ids');
  }
  if (!ROLES.includes(b.role as Role)) throw new HttpError(400, `role: use ${ROLES.join(', ')}`);
  if (typeof b.expires !== 'string' || b.expires.length > 64) throw new HttpError(400, 'expires: expected a duration (30d, 12h, 90m) or an ISO date');
  if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 256)) throw new HttpError(400, 'description: expected text of at most 256 characters');
  if (b.central !== undefined && typeof b.central !== 'boolean') throw new HttpError(400, 'central: expected true or false');
  let expiresAt: string;
  try {
    expiresAt = parseExpiry(b.expires, now);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
  const input: NewToken = {
    layer: b.layer as Layer,
    organizations: b.organizations as string[],
    role: b.role as Role,
    expiresAt,
    createdBy: `token:${principal.tokenId}`,
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
    ...(b.central === true ? { central: true } : {}),
  };
  try {
    validateNewToken(input, now);
  } catch (err) {
    throw new HttpError(400, (err as Error).message);
  }
  return input;
}
