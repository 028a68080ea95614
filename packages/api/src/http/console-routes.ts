/**
 * The console's routes on the alert API: its static files (`/` and `/ui/*`, read once from the console's build)
 * and the session exchange (`/api/session`). They carry no alert data; everything the page shows comes from the
 * API's scoped routes with the session's principal.
 */
import type { Logger } from '@socle/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { AccessAuditLog } from '../access/access-audit-log.ts';
import { authenticate, isAuthError } from '../access/principal.ts';
import type { TokenStore } from '../access/token-store.ts';
import { checkWriteOrigin, clearedSessionCookie, isSecure, sessionCookie, sessionIdOf, type Session, type SessionStore } from './console-session.ts';
import { HttpError, readJsonBody, sendJson } from './http-io.ts';

export interface ConsoleOptions {
  /** The console's built files (`@socle/console`'s CONSOLE_ASSETS_DIR). */
  assetsDir: string;
  /** Session lifetime; default one hour, never past the token's expiry. */
  sessionTtlMs?: number;
}

export const SESSION_PATH = '/api/session';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Everything the page loads comes from here; no inline script, no other origin, no framing. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

interface Asset {
  body: Buffer;
  type: string;
}

export class ConsoleRoutes {
  private assets: Map<string, Asset> | undefined;

  constructor(
    private readonly options: {
      console: ConsoleOptions;
      tokens?: TokenStore;
      sessions?: SessionStore;
      audit?: AccessAuditLog;
      now: () => number;
      logger: Logger;
    },
  ) {}

  /** Answers the console's routes; false for any other path (the API's own routes). */
  async handle(req: IncomingMessage, res: ServerResponse, rawUrl: string): Promise<boolean> {
    let path: string;
    try {
      path = new URL(rawUrl, 'http://localhost').pathname;
    } catch {
      return false;
    }
    if (path.replace(/\/+$/, '') === SESSION_PATH) {
      await this.session(req, res).catch((err) => {
        if (!(err instanceof HttpError)) throw err;
        sendJson(res, err.status, { error: err.message });
      });
      return true;
    }
    if (path !== '/' && path !== '/ui' && !path.startsWith('/ui/')) return false;
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(res, 405, { error: `${method} ${path}: the console's pages are read with GET` }, { allow: 'GET, HEAD' });
      return true;
    }
    if (path === '/' || path === '/ui') {
      res.writeHead(302, { location: '/ui/', 'cache-control': 'no-cache' }).end();
      return true;
    }
    this.serveFile(res, path.slice('/ui/'.length));
    return true;
  }

  private serveFile(res: ServerResponse, name: string): void {
    const assets = this.loadAssets();
    if (!assets) {
      sendJson(res, 503, { error: 'the console is not built: run `pnpm --filter @socle/console build` (scripts/bootstrap.sh does)' });
      return;
    }
    // A path that is not a file of the build is a page of the console (the page reads its state from the URL).
    const asset = assets.get(name) ?? (extname(name) === '' ? assets.get('index.html') : undefined);
    if (!asset) {
      sendJson(res, 404, { error: `/ui/${name.slice(0, 100)}: not a file of the console` });
      return;
    }
    res.writeHead(200, { ...PAGE_HEADERS, 'content-type': asset.type, 'content-length': String(asset.body.length) });
    res.end(res.req.method === 'HEAD' ? undefined : asset.body);
  }

  /** The build's files, read once; only these names are ever served (no path from the request reaches the disk). */
  private loadAssets(): Map<string, Asset> | undefined {
    if (this.assets) return this.assets;
    const dir = this.options.console.assetsDir;
    if (!existsSync(join(dir, 'index.html'))) return undefined;
    const assets = new Map<string, Asset>();
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type) assets.set(name, { body: readFileSync(join(dir, name)), type });
    }
    this.assets = assets;
    return assets;
  }

  private async session(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { tokens, sessions } = this.options;
    const method = req.method ?? 'GET';
    const now = this.options.now();
    if (!tokens || !sessions) {
      // Laptop mode: no sign-in; the page says so.
      if (method === 'POST' || method === 'DELETE') req.resume();
      return sendJson(res, 200, { mode: 'laptop' });
    }
    const id = sessionIdOf(req);
    if (method === 'GET' || method === 'HEAD') {
      const session = id === undefined ? undefined : sessions.find(id, now);
      if (!session) return sendJson(res, 401, { error: 'not signed in' });
      return sendJson(res, 200, sessionInfo(session));
    }
    if (method === 'DELETE') {
      const session = id === undefined ? undefined : sessions.find(id, now);
      const refusal = session ? checkWriteOrigin(req, session.csrfToken) : undefined;
      if (refusal) return this.refuse(res, req, 403, refusal.reason, session?.principal.tokenId);
      if (id !== undefined) sessions.delete(id);
      await this.audit(req, 204, 'signed out', session?.principal.tokenId, session?.principal.layer);
      res.writeHead(204, { 'set-cookie': clearedSessionCookie(isSecure(req)), 'cache-control': 'no-store' }).end();
      return;
    }
    if (method !== 'POST') return sendJson(res, 405, { error: `${method} ${SESSION_PATH}: use GET, POST or DELETE` }, { allow: 'GET, POST, DELETE' });
    // Signing in: the same-origin rule keeps another site from signing a browser in with its own token.
    const refusal = checkWriteOrigin(req);
    if (refusal) return this.refuse(res, req, 403, refusal.reason);
    const body = await readJsonBody(req);
    const keys = typeof body === 'object' && body !== null && !Array.isArray(body) ? Object.keys(body) : [];
    const token = (body as { token?: unknown } | null)?.token;
    if (keys.length !== 1 || typeof token !== 'string') return sendJson(res, 400, { error: 'body: expected {"token": "socle_<id>_<secret>"}' });
    const principal = authenticate(`Bearer ${token}`, tokens, now);
    if (isAuthError(principal)) {
      this.options.logger.warn('console sign-in refused', { status: 401, method: 'POST', target: SESSION_PATH, reason: principal.reason, ...(principal.tokenId ? { tokenId: principal.tokenId } : {}) });
      await this.audit(req, 401, `sign-in refused: ${principal.reason}`, principal.tokenId);
      return sendJson(res, 401, { error: 'invalid or expired token' });
    }
    const created = sessions.create(principal, now);
    await this.audit(req, 200, 'signed in', principal.tokenId, principal.layer);
    sendJson(res, 200, sessionInfo(created.session), { 'set-cookie': sessionCookie(created.id, created.session, now, isSecure(req)) });
  }

  private async refuse(res: ServerResponse, req: IncomingMessage, status: number, reason: string, tokenId?: string): Promise<void> {
    this.options.logger.warn('console session request refused', { status, method: req.method, target: SESSION_PATH, reason });
    await this.audit(req, status, reason, tokenId);
    sendJson(res, status, { error: `refused: ${reason}` });
  }

  /** Sign-ins, sign-outs and refusals go to the access audit trail; if it cannot be written, the change is not made. */
  private async audit(req: IncomingMessage, status: number, reason: string, tokenId?: string, layer?: number): Promise<void> {
    if (!this.options.audit) return;
    try {
      await this.options.audit.record({ at: new Date(this.options.now()).toISOString(), ...(tokenId ? { tokenId } : {}), ...(layer ? { layer } : {}), method: req.method ?? 'GET', target: SESSION_PATH, status, reason });
    } catch (err) {
      this.options.logger.error('access audit write failed', { error: (err as Error).message });
      throw new HttpError(503, 'access audit unavailable; request not served');
    }
  }
}

function sessionInfo(session: Session): Record<string, unknown> {
  return { mode: 'token', principal: session.principal, expiresAt: new Date(session.expiresAt).toISOString(), csrfToken: session.csrfToken };
}
