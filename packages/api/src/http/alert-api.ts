import { createLogger, errorMessage, type Logger } from '@socle/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '@socle/core';
import type { AccessAuditEntry, AccessAuditLog } from '../access/access-audit-log.ts';
import { HistogramUnsupportedError, ScopedAlertStore } from '../access/alert-scope.ts';
import { authenticate, isAuthError, LOCAL_PRINCIPAL_ID, type Principal } from '../access/principal.ts';
import { LAYER4_REFUSED_PARAMS, layer4View } from '../access/shared-view.ts';
import type { TokenStore } from '../access/token-store.ts';
import type { AlertQuery, AlertStore } from '../ports.ts';
import type { TriageStore } from '../triage/triage-store.ts';
import { parseTriageChange, untriaged, type TriageStatus } from '../triage/triage.ts';
import { BadRequestError, parseCountKey, parseInterval, parseSearchParams } from './api-query.ts';
import { adminRoute, type AdminAdapters } from './admin-routes.ts';
import { HttpError, readJsonBody, sendJson } from './http-io.ts';
import { OPENAPI_DOCUMENT } from './openapi.ts';
import { crossSiteRefusal, hostRefusal, isLoopback, redactTarget, SAFE_METHODS, secretInQuery, type HostPolicy } from './request-guard.ts';

export { isLoopback };
import { ConsoleRoutes, type ConsoleOptions } from './console-routes.ts';
import { authenticateSession, isCsrfRefusal, SessionStore } from './console-session.ts';

export interface AlertApiOptions {
  store: AlertStore;
  /** Triage state and trails; without it triage writes answer 501 and every alert reads as open. */
  triage?: TriageStore;
  /**
   * API tokens. With a token store every request needs a valid token and is scoped by it; without one the API is
   * the single-organisation laptop mode and must listen on a loopback address.
   */
  tokens?: TokenStore;
  /** The access audit trail; required with `tokens` (auditor reads must be recorded). */
  audit?: AccessAuditLog;
  /** Extra facts for `/healthz` (event and alert counts, ...). */
  health?: () => Record<string, unknown>;
  /** Server-side messages (authentication failures, errors); never carries a token secret. Default: text on stderr. */
  logger?: Logger;
  /** Clock for token expiry (epoch ms); default Date.now. */
  now?: () => number;
  /**
   * Host names clients may use besides the listen address (and, bound to loopback, `localhost`); any other Host
   * header is refused (421), which defeats DNS rebinding. Entries are `name` (any port) or `name:port`.
   */
  allowedHosts?: readonly string[];
  /** The address the server listens on, for the Host check; default: the bound address. */
  listenHost?: string;
  /** The mode-specific actions behind `/admin/*` (rule reload, sharing policies). */
  admin?: AdminAdapters;
  /** Serve the analysts' console at `/` and `/ui/`, with sign-in sessions at `/api/session` (console-routes.ts). */
  console?: ConsoleOptions;
}

export interface RunningAlertApi {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export const MAX_URL_LENGTH = 8192;
const ALERT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;
const UNAUTHENTICATED = 'invalid or expired token';

/**
 * The alert API (see openapi.ts for the full description):
 *   GET  /alerts                 search (filters, cursor pagination), newest first
 *   GET  /alerts/_counts?by=     counts by rule, severity or organization
 *   GET  /alerts/_histogram      counts per time bucket
 *   GET  /alerts/:id             alert, triage state, member events
 *   GET  /alerts/:id/history     triage trail
 *   POST /alerts/:id/triage      change status, assignee, tags, add a note
 *   GET  /openapi.json, /healthz
 */
export function createAlertApi(options: AlertApiOptions): Server {
  if (options.tokens && !options.audit) throw new Error('alert API: a token store needs an access audit log (auditor reads must be recorded)');
  if (options.tokens && options.store.scopeFilters !== true) {
    throw new Error('alert API: this alert store does not support organisation scoping (scopeFilters); refusing to serve it with tokens');
  }
  const logger = options.logger ?? createLogger({ format: 'text', prefix: 'socle api: ', write: (line) => process.stderr.write(line) });
  const now = options.now ?? Date.now;
  const sessions = options.console && options.tokens ? new SessionStore(options.tokens, options.console.sessionTtlMs) : undefined;
  const consoleRoutes = options.console ? new ConsoleRoutes({ console: options.console, tokens: options.tokens, sessions, audit: options.audit, now, logger }) : undefined;
  const server = createServer((req, res) => {
    new RequestHandler(options, hosts, logger, req, res, consoleRoutes, sessions).run().catch((err) => {
      logger.error('request failed', { method: req.method, target: redactTarget(req.url ?? '').slice(0, 200), error: err instanceof Error ? err.stack ?? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  const bound = () => server.address() as AddressInfo | null;
  const hosts: HostPolicy = {
    get listenHost() {
      return options.listenHost ?? bound()?.address ?? '127.0.0.1';
    },
    port: () => bound()?.port ?? 0,
    allowedHosts: options.allowedHosts ?? [],
  };
  // A malformed request line or header never reaches the handler: answer 400 and keep serving.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":"malformed HTTP request"}`);
  });
  return server;
}

/** Starts the API. Without a token store it only binds a loopback address, and says so. */
export async function startAlertApi(options: AlertApiOptions, host: string, port: number): Promise<RunningAlertApi> {
  const logger = options.logger ?? createLogger({ format: 'text', prefix: 'socle api: ', write: (line) => process.stderr.write(line) });
  if (!options.tokens) {
    if (!isLoopback(host)) {
      throw new Error(`api.listen ${host}:${port}: without a token store the alert API only listens on 127.0.0.1 (laptop mode); configure a token store to listen on ${host}`);
    }
    logger.warn('no token store configured (api.tokens): single-organisation laptop mode, UNAUTHENTICATED; anyone on this machine can read every alert', { host });
  }
  const server = createAlertApi({ listenHost: host, ...options, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** One request: check its front (Host, origin, secrets), authenticate, route, scope, answer, audit. */
class RequestHandler {
  private principal: Principal | undefined;
  private store: AlertStore;
  /** The target as it may be written to logs and the audit trail (credentials redacted). */
  private readonly target: string;
  private auditAction: Pick<AccessAuditEntry, 'action' | 'subject'> = {};

  constructor(
    private readonly options: AlertApiOptions,
    private readonly hosts: HostPolicy,
    private readonly logger: Logger,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly consoleRoutes?: ConsoleRoutes,
    private readonly sessions?: SessionStore,
  ) {
    this.store = options.store;
    this.target = redactTarget(req.url ?? '/');
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  async run(): Promise<void> {
    const { req } = this;
    const raw = req.url ?? '/';
    if (raw.length > MAX_URL_LENGTH) return this.reply(414, { error: `URL longer than ${MAX_URL_LENGTH} characters` }, 'uri too long');
    const secret = secretInQuery(raw);
    if (secret) {
      this.logger.warn('credential in the URL; refused, not recorded', { status: 400, method: req.method, target: this.target.slice(0, 200), parameter: secret });
      return this.reply(400, { error: 'credentials go in the Authorization header, never in the URL; request refused' }, `credential in URL (${secret})`);
    }
    const badHost = hostRefusal(headerText(req.headers.host), this.hosts);
    if (badHost) return this.reply(421, { error: badHost }, 'host refused');
    const crossSite = crossSiteRefusal(req);
    if (crossSite) return this.reply(403, { error: crossSite }, 'cross-site refused');

    if (this.consoleRoutes && (await this.consoleRoutes.handle(req, this.res, raw))) return;

    if (this.options.tokens) {
      // Machines send a bearer token; the console's browser sends its session cookie (console-session.ts).
      const result =
        this.sessions && req.headers.authorization === undefined && req.headers.cookie !== undefined
          ? authenticateSession(req, this.sessions, this.now)
          : authenticate(headerText(req.headers.authorization), this.options.tokens, this.now);
      if (isCsrfRefusal(result)) return this.reply(403, { error: `refused: ${result.reason}` }, `csrf: ${result.reason}`);
      if (isAuthError(result)) {
        this.logger.warn('unauthenticated request', { status: 401, method: req.method, target: this.target.slice(0, 200), reason: result.reason, ...(result.tokenId ? { tokenId: result.tokenId } : {}) });
        await this.audit(401, `unauthenticated: ${result.reason}`, undefined, result.tokenId).catch((err: Error) => this.logger.error('access audit write failed', { error: err.message }));
        return this.send(401, { error: UNAUTHENTICATED }, { 'www-authenticate': 'Bearer' });
      }
      this.principal = result;
      this.store = new ScopedAlertStore(this.options.store, result);
    }

    let url: URL;
    try {
      url = new URL(raw, 'http://localhost');
    } catch {
      return this.reply(400, { error: 'request target: not a URL' }, 'bad url');
    }
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';

    if (path === '/admin' || path.startsWith('/admin/')) return await this.admin(path).catch((err) => this.badRequest(err));
    if (this.principal?.readOnly && !read) {
      return this.reply(403, { error: 'this token is read-only' }, 'write by read-only token');
    }
    try {
      const triageMatch = /^\/alerts\/([^/]+)\/triage$/.exec(path);
      if (triageMatch) {
        if (method !== 'POST') return this.reply(405, { error: `${method} ${path}: use POST` }, 'method', { allow: 'POST' });
        return await this.triage(triageMatch[1]);
      }
      if (!read) return this.reply(405, { error: `${method} ${url.pathname}: use GET (triage changes: POST /alerts/<id>/triage)` }, 'method', { allow: 'GET, HEAD' });

      if (path === '/healthz') return this.reply(200, { status: 'ok', ...(this.principal ? {} : (this.options.health?.() ?? {})) });
      if (path === '/openapi.json') return this.reply(200, OPENAPI_DOCUMENT);
      if (path === '/alerts') return await this.search(url.searchParams);
      if (path === '/alerts/_counts') return await this.counts(url.searchParams);
      if (path === '/alerts/_histogram') return await this.histogram(url.searchParams);
      const detail = /^\/alerts\/([^/]+)$/.exec(path);
      if (detail) return await this.detail(detail[1]);
      const history = /^\/alerts\/([^/]+)\/history$/.exec(path);
      if (history) return await this.history(history[1]);
      return this.reply(404, { error: `${url.pathname.slice(0, 200)}: not found (see /openapi.json)` }, 'no route');
    } catch (err) {
      return this.badRequest(err);
    }
  }

  private badRequest(err: unknown): Promise<void> {
    if (err instanceof BadRequestError || err instanceof RangeError) return this.reply(400, { error: err.message }, 'bad request');
    if (err instanceof HttpError) return this.reply(err.status, { error: err.message }, 'bad request', err.status === 413 ? { connection: 'close' } : {});
    if (err instanceof HistogramUnsupportedError) return this.reply(501, { error: err.message }, 'unsupported');
    throw err;
  }

  /** `/admin/*`: the caller is a token's principal, or the laptop mode's local caller (a central admin on loopback). */
  private async admin(path: string): Promise<void> {
    const principal = this.principal ?? localPrincipal();
    const answer = await adminRoute(this.req, path, principal, { tokens: this.options.tokens, adapters: this.options.admin ?? {}, now: this.now });
    this.auditAction = { action: answer.action, ...(answer.subject ? { subject: answer.subject } : {}) };
    if (answer.action === 'reload' && answer.status === 200) this.logger.info('rule set reloaded', { by: principal.tokenId });
    return this.reply(answer.status, answer.body, answer.reason ?? `admin ${answer.action}`, answer.status === 405 ? { allow: path === '/admin/tokens' ? 'GET, POST' : path === '/admin/sharing-policies' ? 'GET' : path.startsWith('/admin/sharing-policies/') ? 'PUT' : 'POST' } : {});
  }

  /** Layer 4 reads shared views only; filters on fields the view does not carry would probe the stored alert. */
  private refuseLayer4Filters(params: URLSearchParams): void {
    if (this.principal?.layer !== 4) return;
    for (const name of LAYER4_REFUSED_PARAMS) {
      if (params.has(name)) throw new BadRequestError(`${name}: not available at layer 4 (national monitoring reads the shared view, which has no such field)`);
    }
  }

  /** An alert as this caller may receive it: the shared view at layer 4, the (scoped) stored alert otherwise. */
  private present(alert: Alert): unknown {
    return this.principal?.layer === 4 ? layer4View(alert) : alert;
  }

  private async search(params: URLSearchParams): Promise<void> {
    this.refuseLayer4Filters(params);
    const parsed = parseSearchParams(params);
    const query = await this.withStatus(parsed.query, parsed.status);
    const page = await this.store.search(query);
    if (this.principal?.layer === 4) {
      const views = page.alerts.map((a) => this.present(a)).filter((v) => v !== undefined);
      return this.reply(200, { alerts: views, total: page.total, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, undefined, {}, views.length);
    }
    const triage: Record<string, { status: TriageStatus; assignee?: string }> = {};
    for (const a of page.alerts) {
      const s = this.options.triage ? await this.options.triage.state(a.event.id) : untriaged(a.event.id);
      triage[a.event.id] = { status: s.status, ...(s.assignee ? { assignee: s.assignee } : {}) };
    }
    return this.reply(200, { ...page, triage }, undefined, {}, page.alerts.length);
  }

  private async counts(params: URLSearchParams): Promise<void> {
    this.refuseLayer4Filters(params);
    const parsed = parseSearchParams(params, ['by']);
    const by = parseCountKey(parsed.extra.by);
    const counts = await this.store.aggregate(by, await this.withStatus(parsed.query, parsed.status));
    return this.reply(200, { by, counts }, undefined, {}, counts.length);
  }

  private async histogram(params: URLSearchParams): Promise<void> {
    this.refuseLayer4Filters(params);
    const parsed = parseSearchParams(params, ['interval']);
    const interval = parseInterval(parsed.extra.interval);
    if (!this.store.histogram) throw new HistogramUnsupportedError();
    const buckets = await this.store.histogram(interval, await this.withStatus(parsed.query, parsed.status));
    return this.reply(200, { interval, buckets }, undefined, {}, buckets.length);
  }

  private async detail(rawId: string): Promise<void> {
    const alert = await this.visibleAlert(rawId);
    if (!alert) return this.notFound(rawId);
    if (this.principal?.layer === 4) return this.reply(200, { alert: this.present(alert) }, undefined, {}, 1);
    const triage = this.options.triage ? await this.options.triage.state(alert.event.id) : untriaged(alert.event.id);
    return this.reply(200, { alert, triage, members: this.members(alert) }, undefined, {}, 1);
  }

  private async history(rawId: string): Promise<void> {
    // Whatever the id, so the answer confirms nothing about the alert.
    if (this.principal?.layer === 4) return this.reply(403, { error: 'layer 4 reads shared views only: triage history is not shared' }, 'layer 4 history');
    const alert = await this.visibleAlert(rawId);
    if (!alert) return this.notFound(rawId);
    const entries = this.options.triage ? await this.options.triage.history(alert.event.id) : [];
    return this.reply(200, { alertId: alert.event.id, entries }, undefined, {}, entries.length);
  }

  private async triage(rawId: string): Promise<void> {
    // Read-only principals are refused whatever the id, so the answer confirms nothing about the alert.
    if (this.principal?.readOnly) return this.reply(403, { error: 'this token is read-only' }, 'write by read-only token');
    if (!this.options.triage) return this.reply(501, { error: 'no triage store configured' }, 'unsupported');
    const alert = await this.visibleAlert(rawId);
    if (!alert) return this.notFound(rawId);
    const change = parseTriageChange(await readJsonBody(this.req));
    const by = this.principal ? { tokenId: this.principal.tokenId, layer: this.principal.layer, role: this.principal.role } : { tokenId: LOCAL_PRINCIPAL_ID };
    const state = await this.options.triage.append(alert.event.id, by, change);
    return this.reply(200, state, 'triage write', {}, 1);
  }

  /** Adds the triage-status filter: the ids come from the triage store, the scope still applies in the store. */
  private async withStatus(query: AlertQuery, status: TriageStatus[] | undefined): Promise<AlertQuery> {
    if (!status || status.length === 3) return query;
    const triage = this.options.triage;
    if (status.includes('open')) {
      if (!triage) return query;
      const others = (['acknowledged', 'closed'] as const).filter((s) => !status.includes(s));
      const excluded = (await Promise.all(others.map((s) => triage.idsWithStatus(s)))).flat();
      return { ...query, excludeIds: [...(query.excludeIds ?? []), ...excluded] };
    }
    if (!triage) return { ...query, ids: [] };
    const ids = (await Promise.all(status.map((s) => triage.idsWithStatus(s as Exclude<TriageStatus, 'open'>)))).flat();
    return { ...query, ids };
  }

  private async visibleAlert(rawId: string): Promise<Alert | undefined> {
    let id: string;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      return undefined;
    }
    if (!ALERT_ID.test(id)) return undefined;
    return this.store.get(id);
  }

  private members(alert: Alert): { eventIds: string[]; total: number; events: Record<string, unknown>[] } {
    const correlation = alert.socle.correlation;
    const eventIds = correlation ? correlation.events.ids : alert.socle.eventId ? [alert.socle.eventId] : [];
    const total = correlation ? correlation.events.total : eventIds.length;
    // Layer 4 never sees raw events (the scoped store has already removed them from the alert).
    const event = this.principal?.layer === 4 ? undefined : alert['socle.event'];
    return { eventIds, total, events: event ? [event] : [] };
  }

  private notFound(rawId: string): Promise<void> {
    // The same answer for an unknown id and for an alert outside the caller's scope.
    return this.reply(404, { error: `no alert with id '${rawId.slice(0, 64)}'` }, 'not found or outside scope');
  }

  /** Audits when required, then sends. A layer-3 read that cannot be audited is not served. */
  private async reply(status: number, body: unknown, reason?: string, headers: Record<string, string> = {}, count?: number): Promise<void> {
    try {
      await this.audit(status, reason, count);
    } catch (err) {
      this.logger.error('access audit write failed', { error: errorMessage(err) });
      if (this.principal?.layer === 3 || this.principal?.layer === 4 || status >= 400 || !SAFE_METHODS.has(this.req.method ?? 'GET')) {
        return this.send(503, { error: 'access audit unavailable; request not served' });
      }
    }
    return this.send(status, body, headers);
  }

  /**
   * Written: every request of a layer-3 or layer-4 principal, every admin action, every write, every refusal. In
   * laptop mode (no tokens) the caller is recorded as `local`. The target is recorded with credentials redacted.
   */
  private async audit(status: number, reason?: string, count?: number, tokenId?: string): Promise<void> {
    const log = this.options.audit;
    if (!log) return;
    const p = this.principal;
    const needed = p?.layer === 3 || p?.layer === 4 || this.auditAction.action !== undefined || !SAFE_METHODS.has(this.req.method ?? 'GET') || status >= 400;
    if (!needed) return;
    await log.record({
      at: new Date(this.now).toISOString(),
      ...(p ? { tokenId: p.tokenId, layer: p.layer } : tokenId ? { tokenId } : this.options.tokens ? {} : { tokenId: LOCAL_PRINCIPAL_ID }),
      method: (this.req.method ?? 'GET').slice(0, 16),
      target: this.target.slice(0, 2048),
      ...this.auditAction,
      status,
      ...(reason ? { reason } : {}),
      ...(count !== undefined ? { count } : {}),
    });
  }

  private send(status: number, body: unknown, headers: Record<string, string> = {}): void {
    sendJson(this.res, status, body, headers);
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function localPrincipal(): Principal {
  return { tokenId: LOCAL_PRINCIPAL_ID, layer: 2, organizations: [], role: 'admin', expiresAt: '9999-12-31T23:59:59.999Z', readOnly: false, central: true };
}
