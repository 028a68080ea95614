import { describe, expect, it } from 'vitest';
import { SyslogFramer, type FramedItem } from './syslog-framing.ts';

const messages = (items: FramedItem[]): string[] => items.flatMap((i) => ('message' in i ? [i.message] : []));
const errors = (items: FramedItem[]): string[] => items.flatMap((i) => ('error' in i ? [i.error] : []));
const frame = (msg: string): string => `${Buffer.byteLength(msg)} ${msg}`;

describe('SyslogFramer', () => {
  it('detects octet counting and reassembles frames split at every possible byte', () => {
    const msgs = ['<34>1 2026-01-01T00:00:00Z host app - - - first', '<13>second one with\nan embedded newline', '<14>ünïcödé'];
    const stream = Buffer.from(msgs.map(frame).join(''));
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new SyslogFramer(1024);
      const out = [...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))];
      expect(messages(out)).toEqual(msgs);
      expect(framer.framing).toBe('octet-counting');
    }
  });

  it('reassembles octet-counted frames fed one byte at a time', () => {
    const stream = Buffer.from(frame('<1>a') + frame('<2>bb') + frame('<3>ccc'));
    const framer = new SyslogFramer(1024);
    const out: FramedItem[] = [];
    for (const byte of stream) out.push(...framer.push(Buffer.from([byte])));
    expect(messages(out)).toEqual(['<1>a', '<2>bb', '<3>ccc']);
  });

  it('tolerates a newline after each counted frame', () => {
    const framer = new SyslogFramer(1024);
    expect(messages(framer.push(Buffer.from(`${frame('<1>a')}\n${frame('<2>b')}\r\n`)))).toEqual(['<1>a', '<2>b']);
  });

  it('uses newline framing when the connection starts with "<", with CRLF and a final unterminated line', () => {
    const framer = new SyslogFramer(1024);
    const out = [...framer.push(Buffer.from('<1>one\r\n<2>tw')), ...framer.push(Buffer.from('o\n<3>three')), ...framer.end()];
    expect(messages(out)).toEqual(['<1>one', '<2>two', '<3>three']);
    expect(framer.framing).toBe('newline');
  });

  it('skips an oversized counted frame, reports it, and keeps the frames after it', () => {
    const framer = new SyslogFramer(10);
    const big = 'x'.repeat(50);
    const stream = Buffer.from(frame('<1>ok') + frame(big) + frame('<2>ok'));
    const out = [...framer.push(stream.subarray(0, 20)), ...framer.push(stream.subarray(20))];
    expect(messages(out)).toEqual(['<1>ok', '<2>ok']);
    expect(errors(out)).toEqual(['octet-counted frame of 50 bytes exceeds the maximum message size of 10 bytes']);
  });

  it('reports an oversized line once and resumes after its newline', () => {
    const framer = new SyslogFramer(8);
    const out = [...framer.push(Buffer.from('<1>ok\n<2>' + 'y'.repeat(20))), ...framer.push(Buffer.from('y'.repeat(20))), ...framer.push(Buffer.from('yy\n<3>ok\n'))];
    expect(messages(out)).toEqual(['<1>ok', '<3>ok']);
    expect(errors(out)).toHaveLength(1);
  });

  it('falls back to newline framing on a garbage octet count', () => {
    const framer = new SyslogFramer(1024);
    const out = framer.push(Buffer.from('12345678901234 oops\n<1>next\n'));
    expect(errors(out)[0]).toMatch(/invalid octet-counting frame header/);
    expect(messages(out)).toContain('<1>next');
  });

  it('reports a connection closed inside a counted frame', () => {
    const framer = new SyslogFramer(1024);
    framer.push(Buffer.from('20 <1>short'));
    expect(errors(framer.end())[0]).toMatch(/connection closed inside an octet-counted frame/);
  });
});
