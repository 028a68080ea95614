import type { Server as NetServer } from 'node:net';

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port` or `[v6]:port`; a bare port means 127.0.0.1. */
export function parseListenAddress(text: string): HostPort {
  const bare = /^\d+$/.test(text);
  const match = bare ? ['', '127.0.0.1', text] : /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (!match) throw new Error(`listen address "${text}" is not host:port (e.g. 127.0.0.1:5514)`);
  const port = Number(match[2]);
  if (port > 65535) throw new Error(`listen address "${text}": port ${port} is above 65535`);
  return { host: match[1] || '127.0.0.1', port };
}

export function listenOn(server: NetServer, address: HostPort): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(new Error(`cannot listen on ${address.host}:${address.port}: ${error.message}`));
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** The port actually bound (useful with port 0 in tests). */
export function boundPort(server: NetServer): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  return address.port;
}

export function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
