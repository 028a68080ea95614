import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { RecordSink } from '../delivery/intake.ts';
import type { Input, InputBinding } from './input.ts';
import type { HostPort } from './listen-address.ts';

export interface SyslogUdpOptions extends InputBinding {
  listen: HostPort;
  maxMessageBytes: number;
}

/** Syslog over UDP: one datagram, one message. UDP cannot be paused, so a full buffer means counted drops. */
export class SyslogUdpInput implements Input {
  readonly name: string;
  private socket: Socket | undefined;

  constructor(private readonly options: SyslogUdpOptions, private readonly sink: RecordSink) {
    this.name = options.name;
  }

  get port(): number {
    if (!this.socket) throw new Error(`input ${this.name} is not started`);
    return this.socket.address().port;
  }

  start(): Promise<void> {
    const { listen, organization, format, maxMessageBytes, maxNestingDepth } = this.options;
    const socket = createSocket({ type: isIPv6(listen.host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    socket.on('message', (datagram, remote) => {
      if (this.sink.full) {
        this.sink.drop(this.name);
        return;
      }
      const ctx = { organization, input: this.name, receivedAt: new Date().toISOString(), peer: `${remote.address}:${remote.port}`, maxNestingDepth };
      if (datagram.length > maxMessageBytes) {
        this.sink.reject(datagram.toString('utf8', 0, 1024), ctx, `datagram of ${datagram.length} bytes exceeds the maximum message size of ${maxMessageBytes} bytes`);
        return;
      }
      const message = datagram.toString('utf8').replace(/[\r\n\0]+$/, '');
      if (message.length > 0) this.sink.push(format, message, ctx);
    });
    return new Promise((resolve, reject) => {
      socket.once('error', (error) => reject(new Error(`input ${this.name}: cannot bind UDP ${listen.host}:${listen.port}: ${error.message}`)));
      socket.bind(listen.port, listen.host, () => {
        this.socket = socket;
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    this.socket = undefined;
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}
