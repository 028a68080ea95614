import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { authenticate, isAuthError, type TokenStore, isLoopback, sendJson } from '@socle/api';
import type { ReloadResult } from './rule-set-reloader.ts';

export const ADMIN_RELOAD_PATH = '/admin/reload';

export interface AdminReloadOptions {
  reload: () => Promise<ReloadResult>;
  /** With a token store, only an `admin` token may reload; without one, only callers on this machine may. */
  tokens?: TokenStore;
  now?: () => number;
  log?: (line: string) => void;
}

/**
 * Adds `POST /admin/reload` in front of an HTTP server's handlers (the alert API): every other request goes on
 * to them unchanged. Answers the reload result as JSON: 200 when applied, 422 when refused (the running rule
 * set stays).
 */
export function mountAdminReload(server: Server, options: AdminReloadOptions): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (pathOf(req.url) !== ADMIN_RELOAD_PATH) {
      for (const handler of handlers) handler.call(server, req, res);
      return;
    }
    handleReload(req, res, options).catch((err) => {
      options.log?.(`POST ${ADMIN_RELOAD_PATH}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
}

async function handleReload(req: IncomingMessage, res: ServerResponse, options: AdminReloadOptions): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: `${req.method} ${ADMIN_RELOAD_PATH}: use POST` }, { allow: 'POST' });
  if (options.tokens) {
    const principal = authenticate(req.headers.authorization, options.tokens, (options.now ?? Date.now)());
    if (isAuthError(principal)) return sendJson(res, 401, { error: 'invalid or expired token' }, { 'www-authenticate': 'Bearer' });
    if (principal.role !== 'admin') return sendJson(res, 403, { error: `reloading rules needs an admin token (this one is ${principal.role})` });
  } else if (!isLoopback(stripIpv4Mapped(req.socket.remoteAddress ?? ''))) {
    return sendJson(res, 403, { error: `${ADMIN_RELOAD_PATH} without a token store only answers callers on this machine` });
  }
  req.resume(); // no body is read
  const result = await options.reload();
  sendJson(res, result.status === 'applied' ? 200 : 422, result);
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
  } catch {
    return '';
  }
}

function stripIpv4Mapped(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
