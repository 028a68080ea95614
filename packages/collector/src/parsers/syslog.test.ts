import { describe, expect, it } from 'vitest';
import { getField } from './ecs.ts';
import { parseRecord } from './index.ts';
import { parseSamples, rejectSamples, testContext } from './test-samples.ts';

describe('syslog RFC 5424', () => {
  const [ex1, ex2, ex3, ex4, escapes, nil, sshd] = parseSamples('syslog', 'syslog-5424.log');

  it('reads the RFC 5424 section 6.5 examples', () => {
    expect(ex1('@timestamp')).toBe('2003-10-11T22:14:15.003Z');
    expect(ex1('log.syslog.facility.code')).toBe(4);
    expect(ex1('log.syslog.severity.name')).toBe('Critical');
    expect(ex1('log.syslog.msgid')).toBe('ID47');
    expect(ex1('host.hostname')).toBe('mymachine.example.com');
    expect(ex1('process.name')).toBe('su');
    expect(ex1('message')).toBe("'su root' failed for lonvick on /dev/pts/8");
    expect(ex2('@timestamp')).toBe('2003-08-24T12:14:15.000003Z');
    expect(ex2('process.pid')).toBe(8710);
    expect(ex2('log.syslog.procid')).toBe('8710');
    expect(ex2('log.syslog.facility.name')).toBe('local4');
    expect(ex3('log.syslog.structured_data')).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
    });
    expect(ex3('message')).toBe('An application event log entry...');
    expect(ex4('log.syslog.structured_data.examplePriority@32473')).toEqual({ class: 'high' });
    expect(Object.keys(ex4('log.syslog.structured_data') as object)).toEqual(['exampleSDID@32473', 'examplePriority@32473']);
    expect(ex4('message')).toBeUndefined();
  });

  it('unescapes \\" \\\\ \\] in PARAM-VALUE and keeps other backslashes', () => {
    expect(escapes('log.syslog.structured_data')).toEqual({
      'x@32473': { text: 'a "quoted" \\ back ] bracket', path: 'C:\\temp' },
    });
    expect(escapes('@timestamp')).toBe('2024-02-29T06:30:00.500Z');
  });

  it('falls back to the receive time when TIMESTAMP is NILVALUE', () => {
    expect(nil('@timestamp')).toBe('2024-03-16T12:00:00.000Z');
    expect(nil('host.hostname')).toBeUndefined();
    expect(nil('process.name')).toBeUndefined();
  });

  it('hands the sshd MSG to the sshd parser', () => {
    expect(sshd('event.dataset')).toBe('system.auth');
    expect(sshd('event.outcome')).toBe('success');
    expect(sshd('user.name')).toBe('alice');
    expect(sshd('@timestamp')).toBe('2024-01-15T10:00:00.123456Z');
  });

  it('rejects malformed messages saying what was expected where', () => {
    const errors = rejectSamples('syslog', 'syslog-5424-malformed.log');
    expect(errors[0]).toMatch(/^syslog-5424: expected an SD-ID after '\[', found a space at column \d+$/);
    expect(errors[1]).toContain("expected TIMESTAMP as RFC 3339");
    expect(errors[2]).toContain("between <0> and <191>");
    expect(errors[3]).toContain(`expected '"' closing the value of id@1 a`);
    expect(errors[4]).toContain('expected a space after HOSTNAME, found end of input');
    expect(errors[5]).toContain("SD-ID 'id@1' appears twice");
  });

  it('keeps a repeated PARAM-NAME as a list', () => {
    const result = parseRecord('syslog-5424', '<13>1 - - - - - [m@1 ip="10.0.0.1" ip="10.0.0.2"]', testContext());
    expect(result.ok && getField(result.event, 'log.syslog.structured_data')).toEqual({ 'm@1': { ip: ['10.0.0.1', '10.0.0.2'] } });
  });
});

describe('syslog RFC 3164', () => {
  it('reads the RFC 3164 section 5.4 examples', () => {
    const [ex1, ex2, ex3, ex4, noStamp] = parseSamples('syslog', 'syslog-3164.log');
    expect(ex1('@timestamp')).toBe('2023-10-11T22:14:15.000Z');
    expect(ex1('host.hostname')).toBe('mymachine');
    expect(ex1('process.name')).toBe('su');
    expect(ex1('log.syslog.severity.code')).toBe(2);
    expect(ex2('host.hostname')).toBe('10.0.0.99');
    expect(ex2('process.name')).toBeUndefined();
    expect(ex2('message')).toBe('Use the BFG!');
    expect(ex3('@timestamp')).toBe('1987-08-24T11:34:00.000Z');
    expect(ex3('process.pid')).toBe(10);
    expect(ex3('host.hostname')).toBe('mymachine');
    expect(ex4('@timestamp')).toBe('1990-10-22T16:52:01.000Z');
    expect(ex4('host.hostname')).toBe('scapegoat.dmz.example.org');
    expect(ex4('log.syslog.facility.name')).toBe('kernel');
    expect(noStamp('@timestamp')).toBe('2024-03-16T12:00:00.000Z');
    expect(noStamp('message')).toBe('Use the BFG!');
  });

  it('takes the missing year from the receive time across New Year', () => {
    const lines = parseSamples('syslog-3164', 'syslog-3164.log', testContext('2024-01-01T00:00:10Z'));
    expect(lines[5]('@timestamp')).toBe('2023-12-31T23:59:58.000Z');
    const [, , , , , , january] = parseSamples('syslog-3164', 'syslog-3164.log', testContext('2023-12-31T23:59:50Z'));
    expect(january('@timestamp')).toBe('2024-01-01T00:00:05.000Z');
  });

  it('normalises kernel UFW lines and PAM lines relayed through syslog', () => {
    const lines = parseSamples('syslog', 'syslog-3164.log');
    expect(lines[5]('event.dataset')).toBe('system.auth');
    expect(lines[5]('event.action')).toBe('session_opened');
    expect(lines[5]('user.name')).toBe('root');
    expect(lines[6]('event.dataset')).toBe('iptables.log');
    expect(lines[6]('event.action')).toBe('block');
    expect(lines[6]('source.ip')).toBe('203.0.113.50');
  });

  it('rejects malformed messages saying what was expected where', () => {
    const errors = rejectSamples('syslog-3164', 'syslog-3164-malformed.log');
    expect(errors[0]).toBe("syslog-3164: expected '<PRI>' at column 1, found 'O'");
    expect(errors[1]).toContain("expected a number in <PRI> at column 2, found '1a'");
    expect(errors[2]).toContain("found '<034>'");
    expect(errors[3]).toContain("expected '>' closing <PRI>");
    expect(errors[4]).toContain('expected a message after the header');
  });

  it('the auto-detecting format names the format it expected', () => {
    const result = parseRecord('syslog', 'hello', testContext());
    expect(result).toEqual({ ok: false, error: "syslog: expected '<PRI>' at column 1, found 'h'", reason: 'unparsed' });
  });

  it('keeps the syslog fields and flags the problem when a payload fails its own parser', () => {
    const result = parseRecord('syslog', '<134>Feb 09 00:27:43 fw01 CEF:0|Vendor|Product', testContext());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(getField(result.event, 'host.hostname')).toBe('fw01');
    expect(getField(result.event, 'error.message')).toMatch(/^cef: expected 7 '\|'-terminated header fields/);
  });
});
