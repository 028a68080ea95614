import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  registry: Registry;
  /** `/readyz` answers 200 only when this is true (consumer in its group, Elasticsearch answering). */
  ready: () => boolean;
  /** Extra facts for `/healthz` and `/readyz`. */
  status?: () => Record<string, unknown>;
}

export interface RunningMetricsServer {
  url: string;
  close(): Promise<void>;
}

/** `/metrics` (Prometheus text), `/healthz` (the process runs), `/readyz` (it can do its work). */
export async function startMetricsServer(options: MetricsServerOptions, host: string, port: number): Promise<RunningMetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: 'only GET' });
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (err: unknown) => json(500, { error: String(err) }),
      );
      return;
    }
    if (path === '/healthz') return json(200, { status: 'ok', ...options.status?.() });
    if (path === '/readyz') {
      const ready = options.ready();
      return json(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...options.status?.() });
    }
    json(404, { error: `no route ${path}; try /metrics, /healthz or /readyz` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
