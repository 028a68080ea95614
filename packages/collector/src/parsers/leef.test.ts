import { describe, expect, it } from 'vitest';
import { parseSamples, rejectSamples } from './test-samples.ts';

describe('LEEF', () => {
  const [v1, v2caret, v2hex, v1syslog, v2pipe] = parseSamples('leef', 'leef.log');

  it('reads LEEF 1.0 tab-separated attributes', () => {
    expect(v1('leef.version')).toBe('1.0');
    expect(v1('leef.vendor')).toBe('Microsoft');
    expect(v1('leef.product_version')).toBe('4.0 SP1');
    expect(v1('event.code')).toBe('15345');
    expect(v1('source.ip')).toBe('192.0.2.0');
    expect(v1('source.port')).toBe(81);
    expect(v1('destination.ip')).toBe('172.50.123.1');
    expect(v1('destination.port')).toBe(21);
    expect(v1('user.name')).toBe('joe.black');
    expect(v1('event.severity')).toBe(5);
    expect(v1('leef.attributes.cat')).toBe('anomaly');
  });

  it('reads the LEEF 2.0 delimiter as a character or a hex code', () => {
    expect(v2caret('leef.delimiter')).toBe('^');
    expect(v2caret('source.ip')).toBe('10.0.1.8');
    expect(v2caret('destination.port')).toBe(21);
    expect(v2hex('leef.delimiter')).toBe('\t');
    expect(v2hex('user.name')).toBe('bob');
    expect(v2hex('@timestamp')).toBe('2024-01-18T11:07:53.000Z');
    expect(v2pipe('leef.delimiter')).toBe('|');
    expect(v2pipe('destination.ip')).toBe('10.0.0.2');
    expect(v2pipe('network.transport')).toBe('tcp');
  });

  it('accepts a syslog header in front and keeps spaces in values', () => {
    expect(v1syslog('host.hostname')).toBe('host');
    expect(v1syslog('leef.attributes.msg')).toBe('there are spaces in this message');
  });

  it('rejects malformed records', () => {
    const errors = rejectSamples('leef', 'leef-malformed.log');
    expect(errors[0]).toBe("leef: expected version 1.0 or 2.0 after 'LEEF:', found '3.0'");
    expect(errors[1]).toBe("leef: expected vendor|product|version|event id| after 'LEEF:1.0|'");
    expect(errors[2]).toBe("leef: expected a delimiter character or hex code like 'x09' in the 6th header field, found 'xZZ'");
    expect(errors[3]).toBe(`leef: expected key=value attributes separated by "\\t", found 'justtext'`);
  });
});
