import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getField } from './ecs.ts';
import { deadLetter, formatNames, parseRecord, type FormatName } from './index.ts';
import { sampleLines, testContext } from './test-samples.ts';

const ctx = testContext();

/** Inputs that get past the first checks of each format, so the fuzzing reaches the deeper code. */
const PREFIXES = [
  '', '<34>', '<34>1 ', '<165>1 2003-10-11T22:14:15.003Z host app - ID47 [', '<13>Oct 11 22:14:15 host sshd[1]: ',
  'Mar 16 08:12:04 bastion sshd[3320]: Accepted password for ', 'alice : TTY=pts/0 ; ', 'type=SYSCALL msg=audit(1.2:3): ',
  '[UFW BLOCK] IN=eth0 OUT= SRC=', 'CEF:0|a|b|c|d|e|5|', 'LEEF:2.0|a|b|c|d|', '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "',
  '{"Event":{"System":', '{"winlog":', 'pam_unix(sshd:auth): authentication failure; ',
  '{"__proto__":{"polluted":', '{"a.__proto__.polluted":', '__proto__=', 'CEF:0|a|b|c|d|e|5|__proto__=',
];

const anyRecord = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.tuple(fc.constantFrom(...PREFIXES), fc.string({ unit: 'binary', maxLength: 200 })).map(([p, s]) => p + s),
  fc.json({ maxDepth: 3 }),
);

describe('parseRecord', () => {
  it('never throws nor pollutes prototypes, whatever the format and input, and errors name the format', () => {
    fc.assert(
      fc.property(fc.constantFrom(...formatNames), anyRecord, (format, raw) => {
        const result = parseRecord(format, raw, ctx);
        expect(Object.keys(Object.prototype)).toEqual([]);
        if (result.ok) {
          expect(getField(result.event, 'organization.id')).toBe('acme');
          expect(getField(result.event, 'event.original')).toBe(raw);
          expect(getField(result.event, 'ecs.version')).toBe('8.11.0');
          expect(getField(result.event, 'socle.format')).toBe(format);
        } else {
          expect(result.error.startsWith(format)).toBe(true); // `syslog` may report `syslog-5424: ...`
          expect(result.error).not.toContain('internal parser error');
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('stamps tenant, input, format, ECS version, dataset and raw text on every sample of every format', () => {
    const files: Record<FormatName, string> = {
      syslog: 'syslog-3164.log', 'syslog-3164': 'syslog-3164.log', 'syslog-5424': 'syslog-5424.log', sshd: 'sshd.log',
      sudo: 'sudo.log', auth: 'sshd.log', nginx: 'nginx.log', apache: 'apache.log', auditd: 'auditd.log',
      iptables: 'iptables.log', cef: 'cef.log', leef: 'leef.log', json: 'json.log', kv: 'kv.log',
      winlogbeat: 'winlogbeat.log', evtx: 'evtx.log',
    };
    for (const format of formatNames) {
      for (const raw of sampleLines(files[format])) {
        const result = parseRecord(format, raw, ctx);
        expect(result.ok, `${format}: ${raw}`).toBe(true);
        if (!result.ok) continue;
        expect(getField(result.event, 'organization.id')).toBe('acme');
        expect(getField(result.event, 'socle.input')).toBe('test');
        expect(getField(result.event, 'socle.format')).toBe(format);
        expect(getField(result.event, 'event.original')).toBe(raw);
        expect(typeof getField(result.event, 'event.dataset')).toBe('string');
        expect(typeof getField(result.event, 'event.module')).toBe('string');
        expect(Number.isNaN(Date.parse(String(result.event['@timestamp'])))).toBe(false);
      }
    }
  });

  it('refuses an unknown format by name', () => {
    const result = parseRecord('gelf' as FormatName, 'x', ctx);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^unknown format 'gelf'; expected one of syslog, syslog-3164/);
  });
});

describe('deadLetter', () => {
  it('wraps a rejected record for the dead-letter queue', () => {
    const raw = '<34>1 2003-10-11 bad';
    const result = parseRecord('syslog', raw, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(deadLetter(raw, ctx, result.error, 'syslog')).toEqual({
      '@timestamp': '2024-03-16T12:00:00.000Z',
      event: { kind: 'pipeline_error', original: raw },
      error: { message: result.error },
      socle: { input: 'test', format: 'syslog' },
      organization: { id: 'acme' },
      log: { source: { address: '192.0.2.200' } },
    });
  });
});

// RFC 5424 round trip: messages built from random fields parse back to the same fields.
const printable = (min: number, max: number) =>
  fc.string({ unit: fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c)), minLength: min, maxLength: max });
const sdName = fc.string({
  unit: fc.integer({ min: 33, max: 126 }).filter((c) => c !== 61 && c !== 93 && c !== 34).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 32,
});
const nilable = (arb: fc.Arbitrary<string>) => fc.option(arb.filter((s) => s !== '-'), { nil: undefined });
const escapeParam = (value: string) => value.replace(/[\\"\]]/g, (c) => `\\${c}`);

const message5424 = fc.record({
  priority: fc.integer({ min: 0, max: 191 }),
  epochMs: fc.option(fc.integer({ min: 0, max: Date.UTC(9998, 0, 1) }), { nil: undefined }),
  offsetMinutes: fc.integer({ min: -23 * 60, max: 23 * 60 }),
  hostname: nilable(printable(1, 255)),
  appName: nilable(printable(1, 48)),
  procId: nilable(printable(1, 128)),
  msgId: nilable(printable(1, 32)),
  sd: fc.uniqueArray(
    fc.record({ id: sdName, params: fc.uniqueArray(fc.tuple(sdName, fc.string({ maxLength: 20 })), { selector: ([n]) => n, maxLength: 4 }) }),
    { selector: (e) => e.id, maxLength: 3 },
  ),
  msg: fc.string({ maxLength: 60 }).filter((m) => !m.startsWith('\uFEFF')),
});

function rfc3339(epochMs: number, offsetMinutes: number): string {
  const local = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describe('RFC 5424 round trip', () => {
  it('gives back priority, timestamp, header fields, structured data and message', () => {
    fc.assert(
      fc.property(message5424, (m) => {
        const sd = m.sd.length === 0
          ? '-'
          : m.sd.map((e) => `[${e.id}${e.params.map(([n, v]) => ` ${n}="${escapeParam(v)}"`).join('')}]`).join('');
        const raw = `<${m.priority}>1 ${m.epochMs === undefined ? '-' : rfc3339(m.epochMs, m.offsetMinutes)} ` +
          `${m.hostname ?? '-'} ${m.appName ?? '-'} ${m.procId ?? '-'} ${m.msgId ?? '-'} ${sd}${m.msg ? ` ${m.msg}` : ''}`;
        const result = parseRecord('syslog-5424', raw, ctx);
        expect(result.ok, raw).toBe(true);
        if (!result.ok) return;
        const field = (path: string) => getField(result.event, path);
        expect(field('log.syslog.priority')).toBe(m.priority);
        expect(field('log.syslog.facility.code')).toBe(m.priority >> 3);
        expect(field('log.syslog.severity.code')).toBe(m.priority & 7);
        expect(field('@timestamp')).toBe(m.epochMs === undefined ? ctx.receivedAt : new Date(m.epochMs).toISOString());
        expect(field('log.syslog.hostname')).toBe(m.hostname);
        expect(field('log.syslog.appname')).toBe(m.appName);
        expect(field('log.syslog.procid')).toBe(m.procId);
        expect(field('log.syslog.msgid')).toBe(m.msgId);
        const expectedSd = m.sd.length === 0
          ? undefined
          : Object.fromEntries(m.sd.map((e) => [e.id, Object.fromEntries(e.params)]));
        expect(field('log.syslog.structured_data')).toEqual(expectedSd);
        expect(field('message')).toBe(m.msg === '' ? undefined : m.msg);
      }),
      { numRuns: 500 },
    );
  });
});
