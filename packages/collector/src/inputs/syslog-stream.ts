import { errorMessage } from '@socle/core';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFile } from 'node:fs/promises';
import type { RecordSink } from '../delivery/intake.ts';
import type { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { Input, InputBinding } from './input.ts';
import { SyslogFramer } from './syslog-framing.ts';
import { boundPort, closeServer, listenOn, type HostPort } from './listen-address.ts';

export interface TlsFiles {
  cert: string;
  key: string;
  ca?: string;
  /** Ask clients for a certificate signed by `ca` and refuse those without one. */
  requireClientCert?: boolean;
}

export interface SyslogStreamOptions extends InputBinding {
  listen: HostPort;
  maxMessageBytes: number;
  maxConnections: number;
  tls?: TlsFiles;
}

/** Syslog over TCP or TLS: one framer per connection, sockets paused while the buffer is full. */
export class SyslogStreamInput implements Input {
  readonly name: string;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly paused = new Set<Socket>();
  private waitingForRoom = false;

  constructor(
    private readonly options: SyslogStreamOptions,
    private readonly sink: RecordSink,
    private readonly metrics: CollectorMetrics,
  ) {
    this.name = options.name;
  }

  get port(): number {
    if (!this.server) throw new Error(`input ${this.name} is not started`);
    return boundPort(this.server);
  }

  async start(): Promise<void> {
    const onConnection = (socket: Socket): void => this.accept(socket);
    if (this.options.tls) {
      const files = this.options.tls;
      const [cert, key, ca] = await Promise.all([
        readConfigured(files.cert, this.name, 'tls.cert'),
        readConfigured(files.key, this.name, 'tls.key'),
        files.ca ? readConfigured(files.ca, this.name, 'tls.ca') : undefined,
      ]);
      const requireCert = files.requireClientCert ?? false;
      this.server = createTlsServer({ cert, key, ca, requestCert: requireCert, rejectUnauthorized: requireCert }, onConnection);
      this.server.on('tlsClientError', () => this.metrics.rejected.labels(this.name, 'tls-handshake').inc());
    } else {
      this.server = createTcpServer(onConnection);
    }
    this.server.maxConnections = this.options.maxConnections;
    this.server.on('drop', () => this.metrics.rejected.labels(this.name, 'connection-limit').inc());
    // A server that failed to listen is closed by stop() like a running one.
    await listenOn(this.server, this.options.listen, `input ${this.name}`);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const closed = closeServer(this.server);
    for (const socket of this.sockets) socket.end();
    // Give peers a moment to finish; then cut what is left.
    const timer = setTimeout(() => {
      for (const socket of this.sockets) socket.destroy();
    }, 2000);
    await closed;
    clearTimeout(timer);
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const framer = new SyslogFramer(this.options.maxMessageBytes);
    const peer = socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : undefined;
    const { organization, format, maxNestingDepth } = this.options;
    const input = this.name;
    const deliver = (items: ReturnType<SyslogFramer['push']>): void => {
      const receivedAt = new Date().toISOString();
      for (const item of items) {
        const ctx = { organization, input, receivedAt, peer, maxNestingDepth };
        if ('message' in item) this.sink.push(format, item.message, ctx);
        else this.sink.reject(item.raw, ctx, item.error);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      deliver(framer.push(chunk));
      if (this.sink.full) this.pause(socket);
    });
    socket.on('end', () => deliver(framer.end()));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.paused.delete(socket);
    });
  }

  private pause(socket: Socket): void {
    socket.pause();
    this.paused.add(socket);
    if (this.waitingForRoom) return;
    this.waitingForRoom = true;
    void this.sink.whenWritable().then(() => {
      this.waitingForRoom = false;
      for (const s of this.paused) s.resume();
      this.paused.clear();
    });
  }
}

async function readConfigured(path: string, input: string, field: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`input ${input}: cannot read ${field} file ${path}: ${errorMessage(error)}`);
  }
}
