import { describe, expect, it } from 'vitest';
import { regexNeed } from './regex-literals.ts';

describe('texts every match of a regular expression contains', () => {
  it('reads runs of literal characters, ending them at classes, wildcards and anchors', () => {
    expect(regexNeed('abc')).toEqual({ text: 'abc' });
    expect(regexNeed('^ab.cd[0-9]ef$')).toEqual({ all: [{ text: 'ab' }, { text: 'cd' }, { text: 'ef' }] });
    expect(regexNeed('\\\\windows\\\\temp\\.exe')).toEqual({ text: '\\windows\\temp.exe' });
  });

  it('drops a character a quantifier may remove, and keeps one `+` or `{n}` keeps', () => {
    expect(regexNeed('abc?d')).toEqual({ all: [{ text: 'ab' }, { text: 'd' }] });
    expect(regexNeed('ab*c')).toEqual({ all: [{ text: 'a' }, { text: 'c' }] });
    expect(regexNeed('ab+c')).toEqual({ all: [{ text: 'ab' }, { text: 'c' }] });
    expect(regexNeed('ab{0,2}c')).toEqual({ all: [{ text: 'a' }, { text: 'c' }] });
    expect(regexNeed('ab{2}c')).toEqual({ all: [{ text: 'ab' }, { text: 'c' }] });
    expect(regexNeed('a{b')).toEqual({ text: 'a{b' });
  });

  it('follows alternations and groups, and claims nothing for an optional group or an empty branch', () => {
    expect(regexNeed('cmd|powershell')).toEqual({ any: [{ text: 'cmd' }, { text: 'powershell' }] });
    expect(regexNeed('x(ab|cd)+y')).toEqual({ all: [{ text: 'x' }, { any: [{ text: 'ab' }, { text: 'cd' }] }, { text: 'y' }] });
    expect(regexNeed('x(?:ab)?y')).toEqual({ all: [{ text: 'x' }, { text: 'y' }] });
    expect(regexNeed('(?i)mimikatz')).toEqual({ text: 'mimikatz' });
    expect(regexNeed('(?P<n>ab)c')).toEqual({ all: [{ text: 'ab' }, { text: 'c' }] });
    expect(regexNeed('a|')).toBeUndefined();
  });

  it('never reads an escape as the letters after it', () => {
    // \x41 is 'A', \pL a letter, \101 octal 'A', \d a digit: none of them is the text "41", "L", "101" or "d".
    expect(regexNeed('\\x41bc')).toEqual({ text: 'Abc' });
    expect(regexNeed('\\x{41}bc')).toEqual({ text: 'Abc' });
    expect(regexNeed('\\x{1F600}')).toEqual({ text: '\u{1F600}' });
    expect(regexNeed('\\xZZbc')).toEqual({ text: 'bc' });
    expect(regexNeed('\\pLbc')).toEqual({ text: 'bc' });
    expect(regexNeed('\\p{Greek}bc')).toEqual({ text: 'bc' });
    expect(regexNeed('\\101bc')).toEqual({ text: 'bc' });
    expect(regexNeed('\\d\\w\\sbc')).toEqual({ text: 'bc' });
    expect(regexNeed('a\\Q.*\\Eb')).toEqual({ all: [{ text: 'a' }, { text: 'b' }] });
  });

  it('reads control-character escapes as the characters they stand for', () => {
    expect(regexNeed('\\n\\n\\n')).toEqual({ text: '\n\n\n' });
    expect(regexNeed('a\\tb\\r\\f\\v\\a')).toEqual({ text: 'a\tb\r\f\v\x07' });
    expect(regexNeed('\\n+x')).toEqual({ all: [{ text: '\n' }, { text: 'x' }] });
  });

  it('skips character classes whole, including ] first and [:alpha:]', () => {
    expect(regexNeed('a[]x]b')).toEqual({ all: [{ text: 'a' }, { text: 'b' }] });
    expect(regexNeed('a[^]x]b')).toEqual({ all: [{ text: 'a' }, { text: 'b' }] });
    expect(regexNeed('a[[:alpha:]]b')).toEqual({ all: [{ text: 'a' }, { text: 'b' }] });
  });

  it('claims nothing when the expression does not read to its end', () => {
    expect(regexNeed('ab)c')).toBeUndefined();
    expect(regexNeed('(ab')).toBeUndefined();
  });
});
