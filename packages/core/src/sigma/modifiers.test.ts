/**
 * Conformance of every value modifier (Sigma modifiers appendix), with pySigma 2.0.1 as the reference for
 * value transformations: the expected encodings below were produced by pySigma's modifiers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type EngineOptions } from '../engine.ts';
import type { SocleEvent } from '../event.ts';
import { formatLoadError, type RuleLoadError } from './errors.ts';
import { base64Offsets } from './modifiers.ts';

const RULE_ID = '5a0b3c1e-8f57-4f7e-a7c3-4b8e1f0c0003';

function ruleText(detection: string): string {
  const body = detection.replace(/^\n/, '').replace(/\s+$/, '');
  const indent = /^ */.exec(body)![0].length;
  const lines = body.split('\n').map((l) => '  ' + l.slice(indent));
  return `title: modifier test\nid: ${RULE_ID}\nlogsource: {product: test}\ndetection:\n${lines.join('\n')}\n`;
}

/** One selection `sel` made of `key: value` (value in YAML flow syntax). */
function selection(key: string, value: string): string {
  return `sel:\n  ${key}: ${value}\ncondition: sel`;
}

function matcher(detection: string, options: Partial<EngineOptions> = {}) {
  const engine = createEngine({ rules: [{ text: ruleText(detection), file: 'modifiers.yml' }], ...options });
  if (engine.rejected.length) throw new Error(formatLoadError(engine.rejected[0]));
  return (event: SocleEvent) => engine.process(event).length === 1;
}

function rejection(detection: string, options: Partial<EngineOptions> = {}): RuleLoadError {
  const engine = createEngine({ rules: [{ text: ruleText(detection), file: 'modifiers.yml' }], ...options });
  expect(engine.loaded).toHaveLength(0);
  expect(engine.rejected).toHaveLength(1);
  return engine.rejected[0];
}

/** Base64 of a byte string written as characters below U+0100 (btoa runs in browsers and Node alike). */
const b64 = (bytes: string) => btoa(bytes);
const utf8Bytes = (s: string) => String.fromCharCode(...new TextEncoder().encode(s));
const utf16le = (s: string) => Array.from({ length: s.length }, (_, i) => String.fromCharCode(s.charCodeAt(i) & 0xff, s.charCodeAt(i) >> 8)).join('');

describe('contains, startswith, endswith', () => {
  it('place the value anywhere, at the start, at the end', () => {
    const c = matcher(selection('CommandLine|contains', "'whoami'"));
    const s = matcher(selection('CommandLine|startswith', "'whoami'"));
    const e = matcher(selection('CommandLine|endswith', "'whoami'"));
    expect([c, s, e].map((m) => m({ CommandLine: 'WHOAMI /all' }))).toEqual([true, true, false]);
    expect([c, s, e].map((m) => m({ CommandLine: 'cmd /c whoami' }))).toEqual([true, false, true]);
    expect([c, s, e].map((m) => m({ CommandLine: 'x whoami y' }))).toEqual([true, false, false]);
    expect([c, s, e].map((m) => m({ CommandLine: 'whoam' }))).toEqual([false, false, false]);
  });

  it('keep the wildcards inside the value', () => {
    const m = matcher(selection('CommandLine|contains', "'net* user ?admin'"));
    expect(m({ CommandLine: 'c:\\net1.exe user /admin x' })).toBe(true);
    expect(m({ CommandLine: 'net user admin' })).toBe(false);
  });

  it('apply to every value of a list (OR)', () => {
    const m = matcher(selection('Image|endswith', "['\\\\cmd.exe', '\\\\powershell.exe']"));
    expect(m({ Image: 'C:\\x\\powershell.exe' })).toBe(true);
    expect(m({ Image: 'C:\\x\\pwsh.exe' })).toBe(false);
  });
});

describe('all', () => {
  it('links the values with AND', () => {
    const m = matcher(selection('CommandLine|contains|all', "[' -urlcache ', ' -f ']"));
    expect(m({ CommandLine: 'certutil -urlcache -split -f http://x' })).toBe(true);
    expect(m({ CommandLine: 'certutil -urlcache http://x' })).toBe(false);
  });
  it('may be written before the other modifiers', () => {
    const m = matcher(selection('CommandLine|all|contains', "['a1', 'b2']"));
    expect(m({ CommandLine: 'b2 a1' })).toBe(true);
    expect(m({ CommandLine: 'a1' })).toBe(false);
  });
  it('with an array field, each value may be found in a different element', () => {
    const m = matcher(selection('args|all', "['-nop', '-enc']"));
    expect(m({ args: ['powershell', '-nop', '-enc'] })).toBe(true);
    expect(m({ args: ['powershell', '-nop'] })).toBe(false);
  });
});

describe('cased', () => {
  it('matches case-sensitively, alone and with other modifiers', () => {
    const m = matcher(selection('Name|cased', "'Mimikatz'"));
    expect(m({ Name: 'Mimikatz' })).toBe(true);
    expect(m({ Name: 'mimikatz' })).toBe(false);
    const c = matcher(selection('CommandLine|contains|cased', "'-EncodedCommand'"));
    expect(c({ CommandLine: 'powershell -EncodedCommand AAA' })).toBe(true);
    expect(c({ CommandLine: 'powershell -encodedcommand AAA' })).toBe(false);
  });
  it('applies to keywords too', () => {
    const m = matcher("keywords:\n  '|cased':\n    - 'EvilCorp'\ncondition: keywords");
    expect(m({ msg: 'by EvilCorp' })).toBe(true);
    expect(m({ msg: 'by evilcorp' })).toBe(false);
  });
});

describe('re', () => {
  it('finds the expression anywhere in the value, case-sensitively', () => {
    const m = matcher(selection('CommandLine|re', String.raw`'\s-[eE]nc(odedcommand)?\s'`));
    expect(m({ CommandLine: 'powershell -enc AAA' })).toBe(true);
    expect(m({ CommandLine: 'powershell -EncodedCommand AAA' })).toBe(false);
    expect(m({ CommandLine: 'powershell -Encodedcommand AAA' })).toBe(true);
    expect(m({ CommandLine: 'powershell -ENC AAA' })).toBe(false);
  });
  it('anchors work as usual', () => {
    const m = matcher(selection('Name|re', "'^svc[0-9]{2}$'"));
    expect(m({ Name: 'svc42' })).toBe(true);
    expect(m({ Name: 'xsvc42' })).toBe(false);
    expect(m({ Name: 'svc423' })).toBe(false);
  });
  it('|i makes it case-insensitive', () => {
    const m = matcher(selection('CommandLine|re|i', "'-enc '"));
    expect(m({ CommandLine: 'x -ENC y' })).toBe(true);
  });
  it('|m lets ^ and $ match at line breaks', () => {
    const plain = matcher(selection('Script|re', "'^Invoke-'"));
    const multi = matcher(selection('Script|re|m', "'^Invoke-'"));
    const event = { Script: '$a = 1\nInvoke-Expression $a' };
    expect(plain(event)).toBe(false);
    expect(multi(event)).toBe(true);
  });
  it('|s lets . match a line break', () => {
    const plain = matcher(selection('Script|re', "'begin.end'"));
    const dotall = matcher(selection('Script|re|s', "'begin.end'"));
    expect(plain({ Script: 'begin\nend' })).toBe(false);
    expect(dotall({ Script: 'begin\nend' })).toBe(true);
  });
  it('long flag names (ignorecase, multiline, dotall) are accepted too', () => {
    const m = matcher(selection('Script|re|ignorecase|multiline|dotall', "'^a.B$'"));
    expect(m({ Script: 'x\nA\nb' })).toBe(true);
  });
  it('a list of expressions is an OR, or an AND with |all', () => {
    const any = matcher(selection('Name|re', "['^a', 'z$']"));
    const all = matcher(selection('Name|re|all', "['^a', 'z$']"));
    expect(any({ Name: 'abc' })).toBe(true);
    expect(all({ Name: 'abc' })).toBe(false);
    expect(all({ Name: 'abz' })).toBe(true);
  });
  it('after re, startswith and endswith pin the expression to the start or end; contains changes nothing', () => {
    const starts = matcher(selection('Name|re|startswith', "'svc|srv'"));
    const ends = matcher(selection('Name|re|endswith', "'[0-9]{2}'"));
    const contains = matcher(selection('Name|re|contains', "'v[0-9]'"));
    expect(starts({ Name: 'srv-01' })).toBe(true);
    expect(starts({ Name: 'my-srv' })).toBe(false);
    expect(ends({ Name: 'srv-01' })).toBe(true);
    expect(ends({ Name: 'srv-01a' })).toBe(false);
    expect(contains({ Name: 'xxv1xx' })).toBe(true);
    const multiline = matcher(selection('Text|re|m|startswith', "'b'"));
    expect(multiline({ Text: 'a\nb' })).toBe(false);
  });
  it('runs in linear time: a catastrophic pattern for backtracking engines answers right on a long input', () => {
    const m = matcher(selection('Value|re', "'^(a+)+$'"));
    expect(m({ Value: 'a'.repeat(50_000) + 'b' })).toBe(false);
    expect(m({ Value: 'a'.repeat(50_000) })).toBe(true);
    const nested = matcher(selection('Value|re', "'(x+x+)+y'"));
    expect(nested({ Value: 'x'.repeat(20_000) })).toBe(false);
  });
  it.each([
    ['look-ahead', "'foo(?=bar)'"],
    ['negative look-ahead', "'foo(?!bar)'"],
    ['look-behind', "'(?<=foo)bar'"],
    ['back-reference', String.raw`'(a)\1'`],
  ])('rejects %s with a reason naming the rule, the construct and the expression', (_, value) => {
    const error = rejection(selection('CommandLine|re', value));
    expect(error.id).toBe(RULE_ID);
    expect(error.construct).toBe('detection.sel.CommandLine|re');
    expect(error.reason).toMatch(/regular expression .* is not supported/);
    expect(error.reason).toMatch(/look-around or back-references/);
    expect(formatLoadError(error)).toContain(`rule ${RULE_ID}: detection.sel.CommandLine|re:`);
  });
});

describe('cidr', () => {
  it('IPv4 ranges', () => {
    const m = matcher(selection('DestinationIp|cidr', "['10.0.0.0/8', '192.168.1.0/24', '172.16.5.4/32']"));
    expect(m({ DestinationIp: '10.200.3.4' })).toBe(true);
    expect(m({ DestinationIp: '192.168.1.255' })).toBe(true);
    expect(m({ DestinationIp: '192.168.2.1' })).toBe(false);
    expect(m({ DestinationIp: '172.16.5.4' })).toBe(true);
    expect(m({ DestinationIp: '172.16.5.5' })).toBe(false);
    expect(m({ DestinationIp: '11.0.0.1' })).toBe(false);
  });
  it('IPv6 ranges, in any spelling of the address', () => {
    const m = matcher(selection('DestinationIp|cidr', "['fe80::/10', '2001:db8:abcd::/48']"));
    expect(m({ DestinationIp: 'fe80::1' })).toBe(true);
    expect(m({ DestinationIp: 'FEBF:0:0:0:0:0:0:1' })).toBe(true);
    expect(m({ DestinationIp: 'fe80::1%eth0' })).toBe(true);
    expect(m({ DestinationIp: '2001:0db8:abcd:0012::1' })).toBe(true);
    expect(m({ DestinationIp: '2001:db8:abce::1' })).toBe(false);
    expect(m({ DestinationIp: 'fec0::1' })).toBe(false);
  });
  it('IPv4-mapped IPv6 addresses compare as IPv4, and v4 and v6 ranges do not mix', () => {
    const v4 = matcher(selection('ip|cidr', "'10.0.0.0/8'"));
    expect(v4({ ip: '::ffff:10.1.2.3' })).toBe(true);
    expect(v4({ ip: '::ffff:a01:203' })).toBe(true);
    expect(v4({ ip: '::ffff:11.1.2.3' })).toBe(false);
    expect(v4({ ip: '::a01:203' })).toBe(false);
    const mapped = matcher(selection('ip|cidr', "'::ffff:10.0.0.0/104'"));
    expect(mapped({ ip: '10.9.8.7' })).toBe(true);
    expect(mapped({ ip: '11.9.8.7' })).toBe(false);
    const all6 = matcher(selection('ip|cidr', "'::/0'"));
    expect(all6({ ip: '2001:db8::1' })).toBe(true);
    expect(all6({ ip: '10.0.0.1' })).toBe(false);
  });
  it('values that are no addresses never match; an array field matches on any element', () => {
    const m = matcher(selection('ip|cidr', "'10.0.0.0/8'"));
    expect(m({ ip: 'ten' })).toBe(false);
    expect(m({ ip: '10.0.0.256' })).toBe(false);
    expect(m({ ip: '10.0.0.1:443' })).toBe(false);
    // A leading zero reads as octal to some parsers (010 = 8): such a value is no address, as in Python.
    expect(m({ ip: '010.1.2.3' })).toBe(false);
    expect(m({ ip: '10.01.2.3' })).toBe(false);
    expect(m({ ip: '10.0.0.0' })).toBe(true);
    expect(m({ ip: ['192.168.0.1', '10.0.0.1'] })).toBe(true);
  });
  it('with |all, every range must hold the address', () => {
    const m = matcher(selection('ip|cidr|all', "['10.0.0.0/8', '10.1.0.0/16']"));
    expect(m({ ip: '10.1.2.3' })).toBe(true);
    expect(m({ ip: '10.2.2.3' })).toBe(false);
  });
  it('gives the same verdicts on addresses seen again, with verdict memos (default) and without (scanMemoChars: 0)', () => {
    const ips = ['10.0.0.1', '11.0.0.1', 'fe80::1', 'x', '10.0.0.1', '11.0.0.1', 'fe80::1', 'x'];
    const verdicts = (scanMemoChars?: number) => {
      const m = matcher(selection('ip|cidr', "['10.0.0.0/8', 'fe80::/10']"), { scanMemoChars });
      // Each address a new string, as each parse of an event makes one.
      return ips.map((ip) => m({ ip: [...ip].join('') }));
    };
    expect(verdicts()).toEqual([true, false, true, false, true, false, true, false]);
    expect(verdicts(0)).toEqual(verdicts());
  });
  it.each(["'10.0.0.0/33'", "'10.0.0/8'", "'010.0.0.0/8'", "'fe80::/129'", "'not-an-ip'", "'10.0.0.0/8/1'"])('rejects the range %s', (value) => {
    const error = rejection(selection('ip|cidr', value));
    expect(error.construct).toBe('detection.sel.ip|cidr');
    expect(error.reason).toMatch(/not an IPv4 or IPv6 CIDR range/);
  });
});

describe('base64 and base64offset (expected values from pySigma)', () => {
  it.each([
    ['a', ['Y', '', 'h']],
    ['ab', ['YW', 'Fi', 'hY']],
    ['abc', ['YWJj', 'FiY', 'hYm']],
    ['abcd', ['YWJjZ', 'FiY2', 'hYmNk']],
    ['IEX', ['SUVY', 'lFW', 'JRV']],
    ['http://', ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']],
    ['Invoke-Mimikatz', ['SW52b2tlLU1pbWlrYXR6', 'ludm9rZS1NaW1pa2F0e', 'JbnZva2UtTWltaWthdH']],
    ['é', ['w6', 'Op', 'Dq']],
    ['héllo', ['aMOpbGxv', 'jDqWxsb', 'ow6lsbG']],
  ])('base64Offsets(%s) gives the three shifted encodings', (value, expected) => {
    expect(base64Offsets(new TextEncoder().encode(value))).toEqual(expected);
  });

  it('base64 encodes the UTF-8 value', () => {
    for (const [value, encoded] of [['cmd.exe', 'Y21kLmV4ZQ=='], ['é', 'w6k=']]) {
      const m = matcher(selection('Data|base64|cased', `'${value}'`));
      expect(m({ Data: encoded })).toBe(true);
      expect(m({ Data: encoded.slice(0, -1) })).toBe(false);
    }
  });

  it('base64offset|contains finds the value at each of the three alignments inside a longer encoded text', () => {
    const m = matcher(selection('CommandLine|base64offset|contains', "'Invoke-Mimikatz'"));
    for (const before of ['', 'x', 'xy', 'xyz', 'IEX (']) {
      for (const after of ['', ';', ';;', ' -DumpCreds']) {
        const encoded = b64(utf8Bytes(`${before}Invoke-Mimikatz${after}`));
        expect(m({ CommandLine: `powershell -enc ${encoded}` }), `${before}|${after}`).toBe(true);
      }
    }
    expect(m({ CommandLine: `powershell -enc ${b64('Invoke-Mimikat')}` })).toBe(false);
  });

  it('a one-byte value does not turn into a match-everything pattern', () => {
    const m = matcher(selection('Data|base64offset|contains', "'a'"));
    expect(m({ Data: b64(' a') })).toBe(false);
    expect(m({ Data: 'QUJD' })).toBe(false);
    expect(m({ Data: b64('a') })).toBe(true);
    expect(m({ Data: b64('  a') })).toBe(true);
  });

  it('rejects values with wildcards', () => {
    const error = rejection(selection('Data|base64', "'cmd*'"));
    expect(error.construct).toBe('detection.sel.Data|base64');
    expect(error.reason).toMatch(/wildcards/);
  });
});

describe('utf16le, utf16be, utf16, wide', () => {
  it('encode each character into two bytes (as characters below U+0100)', () => {
    expect(matcher(selection('f|utf16le|cased', "'cmd'"))({ f: 'c\0m\0d\0' })).toBe(true);
    expect(matcher(selection('f|wide|cased', "'cmd'"))({ f: 'c\0m\0d\0' })).toBe(true);
    expect(matcher(selection('f|utf16be|cased', "'cmd'"))({ f: '\0c\0m\0d' })).toBe(true);
    expect(matcher(selection('f|utf16|cased', "'cmd'"))({ f: '\ufeffc\0m\0d\0' })).toBe(true);
    expect(matcher(selection('f|utf16le|cased', "'cmd'"))({ f: 'cmd' })).toBe(false);
  });

  it.each([
    ['wide|base64', 'ping', ['cABpAG4AZwA=']],
    ['utf16|base64', 'cmd', ['//5jAG0AZAA=']],
    ['utf16|base64offset', 'cmd', ['//5jAG0AZA', '/+YwBtAGQA', '//mMAbQBkA']],
    ['utf16be|base64offset', 'cmd', ['AGMAbQBk', 'BjAG0AZ', 'AYwBtAG']],
    ['wide|base64offset', 'Invoke-Expression', ['SQBuAHYAbwBrAGUALQBFAHgAcAByAGUAcwBzAGkAbwBuA', 'kAbgB2AG8AawBlAC0ARQB4AHAAcgBlAHMAcwBpAG8Abg', 'JAG4AdgBvAGsAZQAtAEUAeABwAHIAZQBzAHMAaQBvAG4A']],
  ])('%s of %s gives exactly pySigma encodings', (mods, value, expected) => {
    const m = matcher(selection(`f|${mods}|cased`, `'${value}'`));
    for (const e of expected) expect(m({ f: e }), e).toBe(true);
    expect(m({ f: expected[0].toLowerCase() })).toBe(false);
    expect(m({ f: expected[0] + 'A' })).toBe(false);
  });

  it('utf16le|base64offset|contains finds an encoded PowerShell command at any alignment', () => {
    const m = matcher(selection('CommandLine|utf16le|base64offset|contains', "'Invoke-Expression'"));
    for (const before of ['', 'a', 'ab', '$x=1;']) {
      const encoded = b64(utf16le(`${before}Invoke-Expression (New-Object Net.WebClient)`));
      expect(m({ CommandLine: `powershell.exe -EncodedCommand ${encoded}` }), before).toBe(true);
    }
    expect(m({ CommandLine: `powershell.exe -EncodedCommand ${b64(utf16le('Get-Date'))}` })).toBe(false);
  });

  it('non-ASCII text is encoded as real UTF-16 before base64 (pySigma rejects it)', () => {
    const m = matcher(selection('f|wide|base64|cased', "'é'"));
    expect(m({ f: '6QA=' })).toBe(true);
  });
});

describe('windash', () => {
  const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

  it('a dash starting a word may be any of the five dash characters', () => {
    const m = matcher(selection('CommandLine|windash', "'-foo'"));
    for (const d of DASHES) expect(m({ CommandLine: `${d}foo` }), d).toBe(true);
    expect(m({ CommandLine: '+foo' })).toBe(false);
    expect(m({ CommandLine: '\\foo' })).toBe(false);
  });

  it('a slash in that position expands the same way', () => {
    const m = matcher(selection('CommandLine|windash', "'x /y'"));
    for (const d of DASHES) expect(m({ CommandLine: `x ${d}y` })).toBe(true);
  });

  it('a dash wherever it stands may be any of the five, not only at a flag position (the specification)', () => {
    const inner = matcher(selection('f|windash', "'start/b'"));
    for (const d of DASHES) expect(inner({ f: `start${d}b` }), d).toBe(true);
    expect(inner({ f: 'start+b' })).toBe(false);
    const double = matcher(selection('f|windash', "'--x'"));
    for (const [a, b] of [['-', '/'], ['/', '-'], ['\u2015', '\u2013'], ['/', '/']]) expect(double({ f: `${a}${b}x` })).toBe(true);
    expect(double({ f: '-x' })).toBe(false);
    const trailing = matcher(selection('f|windash', "'-'"));
    expect(trailing({ f: '/' })).toBe(true);
    const path = matcher(selection('f|windash', "'/x-y'"));
    expect(path({ f: '\u2014x-y' })).toBe(true);
    expect(path({ f: '/x/y' })).toBe(true);
    expect(path({ f: '/x_y' })).toBe(false);
  });

  it('an en dash, em dash or horizontal bar in the value expands too', () => {
    const m = matcher(selection('f|windash', "'a\u2013b'"));
    for (const d of DASHES) expect(m({ f: `a${d}b` }), d).toBe(true);
  });

  it('letters beyond ASCII are word characters, as in pySigma', () => {
    const m = matcher(selection('f|windash', "' -é'"));
    expect(m({ f: ' /é' })).toBe(true);
  });

  it('next to wildcards, dashes expand on either side', () => {
    const after = matcher(selection('f|windash', "'*-foo'"));
    expect(after({ f: 'x/foo' })).toBe(true);
    const before = matcher(selection('f|windash', "'-*'"));
    expect(before({ f: '/abc' })).toBe(true);
    expect(before({ f: '-abc' })).toBe(true);
    expect(before({ f: '+abc' })).toBe(false);
    const single = matcher(selection('f|windash', "'-a?-b'"));
    expect(single({ f: '/ax\u2015b' })).toBe(true);
  });

  it('expands up to three dashes in one value, in every combination', () => {
    const m = matcher(selection('CommandLine|windash|contains', "' -a -b /c'"));
    for (const x of DASHES) for (const y of DASHES) for (const z of DASHES) {
      expect(m({ CommandLine: `tool ${x}a ${y}b ${z}c` })).toBe(true);
    }
    expect(m({ CommandLine: 'tool -a -b +c' })).toBe(false);
  });

  it('matches any number of dashes; only an encoding after windash limits them, naming the construct', () => {
    const m = matcher(selection('CommandLine|windash|contains', "['-a -b -c -d-e', 'x']"));
    expect(m({ CommandLine: 'tool /a \u2013b \u2014c \u2015d/e' })).toBe(true);
    expect(m({ CommandLine: 'tool /a \u2013b \u2014c +d/e' })).toBe(false);
    const error = rejection(selection('CommandLine|windash|base64offset|contains', "'-a -b -c -d'"));
    expect(error.construct).toBe('detection.sel.CommandLine|windash|base64offset|contains');
    expect(error.reason).toMatch(/at most 3 dashes/);
  });

  it('windash before an encoding encodes every dash variant', () => {
    const m = matcher(selection('CommandLine|windash|wide|base64offset|contains', "' -nop '"));
    for (const d of DASHES) expect(m({ CommandLine: `powershell -enc ${b64(utf16le(`powershell ${d}nop x`))}` }), d).toBe(true);
    expect(m({ CommandLine: `powershell -enc ${b64(utf16le('powershell +nop x'))}` })).toBe(false);
  });

  it('windash|contains: the SigmaHQ certutil idiom', () => {
    const m = matcher(selection('CommandLine|windash|contains', "[' -urlcache ', ' -verifyctl ']"));
    expect(m({ CommandLine: 'certutil.exe /urlcache /split /f http://x/a.exe' })).toBe(true);
    expect(m({ CommandLine: 'certutil.exe \u2013verifyctl /f http://x' })).toBe(true);
    expect(m({ CommandLine: 'certutil.exe -encode a b' })).toBe(false);
  });
});

describe('exists', () => {
  const yes = matcher(selection('User|exists', 'true'));
  const no = matcher(selection('User|exists', 'false'));
  it('true: the field is present, whatever its value (null and empty included)', () => {
    for (const event of [{ User: 'x' }, { User: '' }, { User: null }, { User: [] }, { User: 0 }, { User: false }]) {
      expect(yes(event), JSON.stringify(event)).toBe(true);
      expect(no(event), JSON.stringify(event)).toBe(false);
    }
  });
  it('false: the field is absent', () => {
    expect(yes({ Other: 'x' })).toBe(false);
    expect(no({ Other: 'x' })).toBe(true);
  });
  it('works on nested and flat dotted fields', () => {
    const m = matcher(selection('user.name|exists', 'true'));
    expect(m({ user: { name: 'x' } })).toBe(true);
    expect(m({ 'user.name': 'x' })).toBe(true);
    expect(m({ user: { id: 1 } })).toBe(false);
  });
  it.each([
    ['User|exists', "'yes'", /true or false/],
    ['User|exists', '[true, false]', /true or false/],
    ['User|contains|exists', 'true', /cannot be combined/],
    ['User|exists|cased', 'true', /cannot be combined/],
  ])('%s: %s is rejected', (key, value, message) => {
    const error = rejection(selection(key, value));
    expect(error.construct).toBe(`detection.sel.${key}`);
    expect(error.reason).toMatch(message);
  });
});

describe('neq', () => {
  it('matches when the field differs from the value', () => {
    const m = matcher(selection('User|neq', "'SYSTEM'"));
    expect(m({ User: 'alice' })).toBe(true);
    expect(m({ User: 'system' })).toBe(false);
  });
  it('with a list: the field differs from every value', () => {
    const m = matcher(selection('LogonType|neq', '[2, 10]'));
    expect(m({ LogonType: 3 })).toBe(true);
    expect(m({ LogonType: 2 })).toBe(false);
    expect(m({ LogonType: '10' })).toBe(false);
  });
  it('with null: the field is present and not null', () => {
    const m = matcher(selection('User|neq', 'null'));
    expect(m({ User: 'x' })).toBe(true);
    expect(m({ User: '' })).toBe(true);
    expect(m({ User: null })).toBe(false);
    expect(m({})).toBe(false);
  });
  it('a missing field differs from any value (it matches)', () => {
    const m = matcher(`sel:\n  EventID: 4624\n  LogonType|neq: 3\ncondition: sel`);
    expect(m({ EventID: 4624 })).toBe(true);
    expect(m({ EventID: 4624, LogonType: 3 })).toBe(false);
  });
  it('combines with contains and other modifiers', () => {
    const m = matcher(selection('CommandLine|contains|neq', "['-nop', '-w hidden']"));
    expect(m({ CommandLine: 'powershell -enc' })).toBe(true);
    expect(m({ CommandLine: 'powershell -NOP' })).toBe(false);
    const cidr = matcher(selection('ip|cidr|neq', "'10.0.0.0/8'"));
    expect(cidr({ ip: '8.8.8.8' })).toBe(true);
    expect(cidr({ ip: '10.1.1.1' })).toBe(false);
  });
});

describe('fieldref', () => {
  it('compares with another field of the same event, case-insensitively', () => {
    const m = matcher(selection('TargetUserName|fieldref', 'SubjectUserName'));
    expect(m({ TargetUserName: 'Alice', SubjectUserName: 'alice' })).toBe(true);
    expect(m({ TargetUserName: 'alice', SubjectUserName: 'bob' })).toBe(false);
    expect(m({ TargetUserName: 'alice' })).toBe(false);
    expect(m({})).toBe(false);
  });
  it('cased makes the comparison case-sensitive', () => {
    const m = matcher(selection('a|fieldref|cased', 'b'));
    expect(m({ a: 'X', b: 'X' })).toBe(true);
    expect(m({ a: 'X', b: 'x' })).toBe(false);
  });
  it('with neq: the fields differ', () => {
    const m = matcher(selection('a|fieldref|neq', 'b'));
    expect(m({ a: 'x', b: 'y' })).toBe(true);
    expect(m({ a: 'x', b: 'X' })).toBe(false);
  });
  it('with startswith, endswith, contains: the field starts with, ends with, contains the other', () => {
    const s = matcher(selection('Image|fieldref|startswith', 'ParentImage'));
    const e = matcher(selection('Image|fieldref|endswith', 'ParentImage'));
    const c = matcher(selection('Image|fieldref|contains', 'ParentImage'));
    const event = (image: string) => ({ Image: image, ParentImage: 'cmd' });
    expect([s, e, c].map((m) => m(event('cmd.exe')))).toEqual([true, false, true]);
    expect([s, e, c].map((m) => m(event('x\\cmd')))).toEqual([false, true, true]);
    expect([s, e, c].map((m) => m(event('a cmd b')))).toEqual([false, false, true]);
    expect([s, e, c].map((m) => m(event('pwsh')))).toEqual([false, false, false]);
  });
  it('works on nested fields and arrays (any pair of elements)', () => {
    const m = matcher(selection('source.ip|fieldref', 'destination.ip'));
    expect(m({ source: { ip: '10.0.0.1' }, destination: { ip: ['10.0.0.2', '10.0.0.1'] } })).toBe(true);
  });
  it.each([
    ['a|fieldref', "'b*'", /without wildcards/],
    ['a|fieldref|base64', 'b', /cannot be applied/],
    ['a|fieldref|gt', 'b', /cannot be combined/],
    ['a|cidr|fieldref', 'b', /cannot be combined/],
  ])('%s: %s is rejected', (key, value, message) => {
    const error = rejection(selection(key, value));
    expect(error.construct).toBe(`detection.sel.${key}`);
    expect(error.reason).toMatch(message);
  });
});

describe('expand', () => {
  const placeholders = { Administrators: ['admin', 'adm_*'], DomainControllers: ['DC01', 'DC02'] };
  it('replaces a placeholder by the configured values (OR), wildcards included', () => {
    const m = matcher(selection('User|expand', "'%Administrators%'"), { placeholders });
    expect(m({ User: 'Admin' })).toBe(true);
    expect(m({ User: 'adm_bob' })).toBe(true);
    expect(m({ User: 'bob' })).toBe(false);
  });
  it('keeps the text around the placeholder and expands several placeholders', () => {
    const m = matcher(selection('Path|expand', String.raw`'\\%DomainControllers%\\%Administrators%'`), { placeholders });
    expect(m({ Path: '\\DC02\\adm_x' })).toBe(true);
    expect(m({ Path: '\\DC03\\admin' })).toBe(false);
  });
  it('without expand, %name% is a literal value', () => {
    const m = matcher(selection('User', "'%Administrators%'"), { placeholders });
    expect(m({ User: '%administrators%' })).toBe(true);
    expect(m({ User: 'admin' })).toBe(false);
  });
  it('an escaped percent sign is plain text', () => {
    const m = matcher(selection('User|expand', String.raw`'\%plain%Administrators%'`), { placeholders });
    expect(m({ User: '%plainadmin' })).toBe(true);
  });
  it('rejects a rule whose placeholder has no values, naming it', () => {
    const error = rejection(selection('Host|expand', "'%Workstations%'"), { placeholders });
    expect(error.construct).toBe('detection.sel.Host|expand');
    expect(error.reason).toMatch(/%Workstations%/);
  });
});

describe('lt, lte, gt, gte', () => {
  it('compare numbers, and numeric strings on either side', () => {
    const gt = matcher(selection('Count|gt', '10'));
    const gte = matcher(selection('Count|gte', "'10'"));
    const lt = matcher(selection('Count|lt', '10'));
    const lte = matcher(selection('Count|lte', '10.5'));
    const at = (n: unknown) => [gt, gte, lt, lte].map((m) => m({ Count: n }));
    expect(at(9)).toEqual([false, false, true, true]);
    expect(at(10)).toEqual([false, true, false, true]);
    expect(at('10.5')).toEqual([true, true, false, true]);
    expect(at(' 11 ')).toEqual([true, true, false, false]);
    expect(at('-3')).toEqual([false, false, true, true]);
    expect(at('1e3')).toEqual([true, true, false, false]);
  });
  it('text that is no decimal number never compares', () => {
    const gt = matcher(selection('Count|gt', '0'));
    const lt = matcher(selection('Count|lt', '100'));
    for (const v of ['abc', '', '0x10', 'Infinity', true, null]) {
      expect(gt({ Count: v }), String(v)).toBe(false);
      expect(lt({ Count: v }), String(v)).toBe(false);
    }
    expect(gt({})).toBe(false);
  });
  it('a list is an OR; an array field compares each element', () => {
    const m = matcher(selection('Port|lt', '[10, 1000]'));
    expect(m({ Port: 500 })).toBe(true);
    const arr = matcher(selection('Port|gt', '1024'));
    expect(arr({ Port: [80, 8080] })).toBe(true);
    expect(arr({ Port: [80, 443] })).toBe(false);
  });
  it.each([
    ['Count|gt', "'ten'", /needs a number/],
    ['Count|contains|gt', '1', /cannot be combined/],
    ['Count|gt|lt', '1', /cannot be combined/],
  ])('%s: %s is rejected', (key, value, message) => {
    const error = rejection(selection(key, value));
    expect(error.construct).toBe(`detection.sel.${key}`);
    expect(error.reason).toMatch(message);
  });
});

describe('minute, hour, day, week, month, year', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });
  const part = (mod: string, value: number) => matcher(selection(`Time|${mod}`, String(value)));

  it('extract UTC parts of ISO 8601 timestamps', () => {
    const t = '2024-12-30T23:45:10.123Z';
    expect(part('minute', 45)({ Time: t })).toBe(true);
    expect(part('hour', 23)({ Time: t })).toBe(true);
    expect(part('day', 30)({ Time: t })).toBe(true);
    expect(part('month', 12)({ Time: t })).toBe(true);
    expect(part('year', 2024)({ Time: t })).toBe(true);
    expect(part('week', 1)({ Time: t })).toBe(true); // ISO week 1 of 2025
    expect(part('hour', 22)({ Time: t })).toBe(false);
  });
  it('a timestamp with an offset is converted to UTC', () => {
    expect(part('hour', 3)({ Time: '2024-01-02T05:04:05+02:00' })).toBe(true);
  });
  it('a timestamp without a zone is read as written, whatever the local time zone', () => {
    process.env.TZ = 'Asia/Kolkata';
    expect(part('hour', 3)({ Time: '2024-01-02T03:04:05' })).toBe(true);
    expect(part('minute', 4)({ Time: '2024-01-02 03:04:05' })).toBe(true);
  });
  it('epoch milliseconds (number or text) are timestamps too', () => {
    const ms = Date.UTC(2023, 6, 14, 8, 30);
    expect(part('hour', 8)({ Time: ms })).toBe(true);
    expect(part('month', 7)({ Time: String(ms) })).toBe(true);
  });
  it('a list is an OR: office hours', () => {
    const m = matcher(selection('Time|hour', '[9, 10, 11]'));
    expect(m({ Time: '2024-01-01T10:00:00Z' })).toBe(true);
    expect(m({ Time: '2024-01-01T12:00:00Z' })).toBe(false);
    expect(m({ Time: 'not a date' })).toBe(false);
  });
  it('rejects a value that is not an integer', () => {
    expect(rejection(selection('Time|hour', "'noon'")).reason).toMatch(/needs an integer/);
  });
});

describe('invalid modifier use is rejected at load, naming the construct', () => {
  it.each([
    ['Image|contians', "'x'", /unknown modifier 'contians'/],
    ['Image|i', "'x'", /need the 're' modifier/],
    ['Image|contains|re', "'x'", /'re' must come before/],
    ['Image|re|base64', "'x'", /cannot be applied to a regular expression/],
    ['Image|re|cased', "'x'", /'cased' does not apply/],
    ['Image|re|cidr', "'x'", /cannot be combined/],
    ['Image|cidr|contains', "'10.0.0.0/8'", /cannot be combined/],
    ['Image|base64|hour', '1', /cannot be combined/],
    ['Image|', "'x'", /empty modifier/],
    ['Image|utf16|windash|base64', "'*'", /wildcards/],
  ])('%s: %s', (key, value, message) => {
    const error = rejection(selection(key, value));
    expect(error.construct).toBe(`detection.sel.${key}`);
    expect(error.reason).toMatch(message);
    expect(error.file).toBe('modifiers.yml');
    expect(error.id).toBe(RULE_ID);
  });

  it.each([
    ['|exists', 'true', /needs a field/],
    ['|cidr', "'10.0.0.0/8'", /needs a field/],
    ['|gt', '1', /needs a field/],
    ['|fieldref', 'x', /needs a field/],
  ])('keyword%s is rejected', (key, value, message) => {
    const error = rejection(`kw:\n  '${key}': ${value}\ncondition: kw`);
    expect(error.reason).toMatch(message);
    expect(error.construct).toBe(`detection.kw${key}`);
  });

  it('null with a modifier is rejected', () => {
    expect(rejection(selection('User|contains', 'null')).reason).toMatch(/null cannot be combined/);
  });
});
