/**
 * Browser sessions for the console: an API token is exchanged once (`POST /api/session`) for a random session id
 * in an HttpOnly, SameSite=Strict cookie. A session never outlives its token, is dropped as soon as the token is
 * revoked or expires, and a state-changing request made with it must carry the session's CSRF token in
 * `x-socle-csrf` and come from the API's own origin. Machines keep using `Authorization: Bearer`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthError, Principal } from '../access/principal.ts';
import type { TokenStore } from '../access/token-store.ts';

export const SESSION_COOKIE = 'socle_session';
export const CSRF_HEADER = 'x-socle-csrf';
export const DEFAULT_SESSION_TTL_MS = 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  principal: Principal;
  csrfToken: string;
  /** Epoch ms: the earlier of the session TTL and the token's expiry. */
  expiresAt: number;
}

/** Why a cookie-authenticated write was refused (403; the session itself stays valid). */
export interface CsrfRefusal {
  error: 'csrf';
  reason: string;
}

export function isCsrfRefusal(value: unknown): value is CsrfRefusal {
  return (value as CsrfRefusal | undefined)?.error === 'csrf';
}

/** Sessions in memory, keyed by the SHA-256 of their id (a heap dump does not hand out live cookies). */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly tokens: TokenStore,
    readonly ttlMs: number = DEFAULT_SESSION_TTL_MS,
  ) {
    if (!Number.isInteger(ttlMs) || ttlMs < 60_000) throw new RangeError(`session TTL: ${ttlMs} ms is below one minute`);
  }

  create(principal: Principal, now: number): { id: string; session: Session } {
    this.sweep(now);
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    const session: Session = { principal, csrfToken: randomBytes(32).toString('base64url'), expiresAt: Math.min(now + this.ttlMs, Date.parse(principal.expiresAt)) };
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session for `id`, re-checked against the token store (revocation and expiry apply at once). */
  find(id: string, now: number): Session | undefined {
    if (!SESSION_ID.test(id)) return undefined;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const record = this.tokens.find(session.principal.tokenId);
    if (session.expiresAt <= now || !record || record.revokedAt !== undefined || !(Date.parse(record.expiresAt) > now)) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    if (SESSION_ID.test(id)) this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [key, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(key);
  }
}

/** The session id in a request's `Cookie` header, if any. */
export function sessionIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, session: Session, now: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - now) / 1000));
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** True when the request came over TLS (then the cookie is `Secure`). */
export function isSecure(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

/**
 * A request's session principal. Reads need only the cookie; anything else also needs the CSRF token and an
 * `Origin` naming this server (SameSite=Strict already keeps the cookie off cross-site requests; this covers
 * older browsers and same-site sibling origins).
 */
export function authenticateSession(req: IncomingMessage, sessions: SessionStore, now: number): Principal | AuthError | CsrfRefusal {
  const id = sessionIdOf(req);
  if (id === undefined) return { error: 'unauthenticated', reason: 'missing' };
  const session = sessions.find(id, now);
  if (!session) return { error: 'unauthenticated', reason: 'expired' };
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    const refusal = checkWriteOrigin(req, session.csrfToken);
    if (refusal) return refusal;
  }
  return session.principal;
}

/** For cookie-carrying writes (and the sign-in itself): same origin, and the CSRF token when one is expected. */
export function checkWriteOrigin(req: IncomingMessage, csrfToken?: string): CsrfRefusal | undefined {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host || (origin !== `http://${host}` && origin !== `https://${host}`)) return { error: 'csrf', reason: 'cross-origin or missing Origin' };
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return { error: 'csrf', reason: `sec-fetch-site ${String(site).slice(0, 20)}` };
  if (csrfToken === undefined) return undefined;
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, csrfToken)) return { error: 'csrf', reason: 'missing or wrong CSRF token' };
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}
