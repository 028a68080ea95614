import type { Server as NetServer } from 'node:net';
import { z } from 'zod';

export interface HostPort {
  host: string;
  port: number;
}

const BARE_PORT = /^(\d{1,5})$/;
const BRACKETED_V6 = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/;
const HOST_PORT = /^([^\s:[\]]+):(\d{1,5})$/;

/**
 * The one reader of listen addresses, for every mode and every listener (inputs, metrics, the alert API):
 * `host:port`, `[v6]:port`, or a bare port, which means 127.0.0.1 (never every interface by accident).
 */
export function parseListenAddress(text: string): HostPort {
  const parsed = readListenAddress(text);
  if (typeof parsed === 'string') throw new Error(`listen address "${text}": ${parsed}`);
  return parsed;
}

/** A configuration field holding a listen address; the text is kept, `parseListenAddress` reads it. */
export const listenAddressSchema = z.string().superRefine((text, ctx) => {
  const parsed = readListenAddress(text);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

/** The address, or what is wrong with the text. */
function readListenAddress(text: string): HostPort | string {
  const bare = BARE_PORT.exec(text);
  const match = bare ? ['', '127.0.0.1', bare[1]] : (BRACKETED_V6.exec(text) ?? HOST_PORT.exec(text));
  if (!match) return 'expected host:port, [v6]:port or a port, e.g. 127.0.0.1:5514';
  const port = Number(match[2]);
  if (port > 65535) return `port ${port} is above 65535`;
  return { host: match[1], port };
}

/** Starts listening; a failure names `owner` (e.g. `input syslog`) and the address. */
export function listenOn(server: NetServer, address: HostPort, owner?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const who = owner ? `${owner}: ` : '';
    const onError = (error: Error): void => reject(new Error(`${who}cannot listen on ${address.host}:${address.port}: ${error.message}`));
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
