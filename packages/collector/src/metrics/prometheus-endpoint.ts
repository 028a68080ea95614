import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { listenOn, type HostPort } from '../inputs/listen-address.ts';

/** Serves `GET /metrics` in the Prometheus text format. */
export async function startPrometheusEndpoint(registry: Registry, address: HostPort): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics: ${String(error)}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found: the collector serves GET /metrics\n');
  });
  await listenOn(server, address);
  return server;
}
