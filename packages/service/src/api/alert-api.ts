import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertQueryFromParams, type AlertQueryParams } from '../alerts/alert-query-params.ts';
import type { AlertStore } from '../ports.ts';

export interface AlertApiOptions {
  store: AlertStore;
  /** Extra facts for `/healthz` (event and alert counts, ...). */
  health?: () => Record<string, unknown>;
}

export interface RunningAlertApi {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/**
 * The alert query API:
 *   GET /alerts?from=&to=&severity=&rule=&host=&user=&q=&cursor=&size=   newest first, `nextCursor` for the next page
 *   GET /alerts/_counts?by=rule|severity (plus the same filters)
 *   GET /alerts/:id
 *   GET /healthz
 */
export function createAlertApi(options: AlertApiOptions): Server {
  return createServer((req, res) => {
    handle(options, req, res).catch((err) => send(res, 500, { error: err instanceof Error ? err.message : String(err) }));
  });
}

export async function startAlertApi(options: AlertApiOptions, host: string, port: number): Promise<RunningAlertApi> {
  const server = createAlertApi(options);
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
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

const QUERY_KEYS = ['from', 'to', 'severity', 'rule', 'host', 'user', 'q', 'cursor', 'size'] as const;

async function handle(options: AlertApiOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, { error: `${req.method} ${url.pathname}: the alert API is read-only; use GET` });
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/healthz') return send(res, 200, { status: 'ok', ...(options.health?.() ?? {}) });

  if (path === '/alerts' || path === '/alerts/_counts') {
    const params: AlertQueryParams = {};
    for (const key of QUERY_KEYS) {
      const values = url.searchParams.getAll(key);
      if (values.length === 0) continue;
      if (key === 'severity' || key === 'rule') params[key] = values;
      else params[key] = values[values.length - 1];
    }
    let query;
    try {
      query = alertQueryFromParams(params);
    } catch (err) {
      return send(res, 400, { error: (err as Error).message });
    }
    if (path === '/alerts') {
      try {
        return send(res, 200, await options.store.search(query));
      } catch (err) {
        if (err instanceof RangeError) return send(res, 400, { error: err.message });
        throw err;
      }
    }
    const by = url.searchParams.get('by') ?? 'rule';
    if (by !== 'rule' && by !== 'severity') return send(res, 400, { error: `by: '${by}' is not supported (use rule or severity)` });
    return send(res, 200, { by, counts: await options.store.aggregate(by, query) });
  }

  const match = /^\/alerts\/([^/]+)$/.exec(path);
  if (match) {
    const id = decodeURIComponent(match[1]);
    const alert = await options.store.get(id);
    return alert ? send(res, 200, alert) : send(res, 404, { error: `no alert with id '${id}'` });
  }
  return send(res, 404, { error: `${url.pathname}: not found (try /alerts, /alerts/_counts, /alerts/<id>, /healthz)` });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
