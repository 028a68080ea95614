import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { boundPort, closeServer, listenAddressSchema, listenOn, parseListenAddress } from './listen-address.ts';

describe('parseListenAddress', () => {
  it('reads host:port, [v6]:port and a bare port (loopback)', () => {
    expect(parseListenAddress('0.0.0.0:5514')).toEqual({ host: '0.0.0.0', port: 5514 });
    expect(parseListenAddress('localhost:9280')).toEqual({ host: 'localhost', port: 9280 });
    expect(parseListenAddress('[::1]:514')).toEqual({ host: '::1', port: 514 });
    expect(parseListenAddress('5514')).toEqual({ host: '127.0.0.1', port: 5514 });
  });

  it('accepts every port as a bare port, bound to loopback', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), (port) => {
        expect(parseListenAddress(String(port))).toEqual({ host: '127.0.0.1', port });
      }),
    );
  });

  it('refuses what is not an address, saying what is expected', () => {
    for (const text of ['nowhere', 'host:', 'a b:80', '::1:514', 'host:123456', '']) {
      expect(() => parseListenAddress(text), text).toThrow(/expected host:port, \[v6\]:port or a port|above 65535/);
    }
    expect(() => parseListenAddress('host:70000')).toThrow('listen address "host:70000": port 70000 is above 65535');
  });

  it('validates a configuration field with the same rules', () => {
    expect(listenAddressSchema.safeParse('9464').success).toBe(true);
    expect(listenAddressSchema.safeParse('127.0.0.1:99999').error?.issues[0].message).toBe('port 99999 is above 65535');
  });
});

describe('listenOn', () => {
  it('names the owner and the address when the port is taken, and the server can still be closed', async () => {
    const first = createServer();
    await listenOn(first, { host: '127.0.0.1', port: 0 });
    const port = boundPort(first);
    const second = createServer();
    await expect(listenOn(second, { host: '127.0.0.1', port }, 'input syslog')).rejects.toThrow(`input syslog: cannot listen on 127.0.0.1:${port}: `);
    await closeServer(second);
    await closeServer(first);
  });
});
