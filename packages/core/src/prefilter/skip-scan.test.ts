import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldablePieces, foldChar } from './case-fold.ts';
import { SkipScan } from './skip-scan.ts';

const fold = (s: string) => String.fromCharCode(...Array.from(s, (c) => foldChar(c.charCodeAt(0))));
const skipScan = (patterns: string[]) => new SkipScan(patterns.map((p) => foldablePieces(p).join('')));

describe('SkipScan', () => {
  const mimikatz = skipScan(['sekurlsa::', 'lsadump::', 'privilege::debug', '\\mimilib.dll']);

  it('says a keyword may be there when it is, whatever the case, wherever it is', () => {
    expect(mimikatz.mayOccurIn('SEKURLSA::logonpasswords')).toBe(true);
    expect(mimikatz.mayOccurIn('mimikatz # Privilege::Debug')).toBe(true);
    expect(mimikatz.mayOccurIn('C:\\Windows\\Temp\\MIMILIB.dll')).toBe(true);
    expect(mimikatz.mayOccurIn('lsadump::')).toBe(true);
    // Kelvin sign and long s fold to k and s
    expect(mimikatz.mayOccurIn('\u017fe\u212aurlsa::')).toBe(true);
  });

  it('says no to the values of ordinary events', () => {
    for (const value of ['C:\\Windows\\System32\\svchost.exe -k netsvcs -p -s Schedule', 'ws-0042.corp.example.com', '2026-01-05T07:30:00.307Z', 'lsadump:', '']) {
      expect(mimikatz.mayOccurIn(value)).toBe(false);
    }
  });

  it('says no where a window only ends like a pattern start', () => {
    // `.s` ends the window `mimidrv.s` of `mimidrv.sys`; `s::` the window `lsadump::` no pattern is in
    const withDriver = skipScan(['mimidrv.sys', 'lsadump::', 'sekurlsa::']);
    for (const value of ['windows.sysmon_operational', 'Microsoft-Windows-Sysmon', 'misc::cmd', 'lsadump:']) {
      expect(withDriver.mayOccurIn(value)).toBe(false);
    }
    expect(withDriver.mayOccurIn('C:\\Windows\\MimiDrv.Sys')).toBe(true);
    expect(withDriver.mayOccurIn('x lsadump::sam')).toBe(true);
  });

  it('needs patterns of two characters or more', () => {
    expect(() => skipScan(['x', 'abc'])).toThrow(/two characters/);
  });

  it('never says no when a pattern occurs in the folded text (property)', () => {
    const unit = fc.constantFrom('a', 'b', 'A', 'B', 'c', ':', '\\', '\u212a', 'k', '\u017f', 's', 'é', 'É', '😀');
    fc.assert(
      fc.property(fc.array(fc.string({ unit, minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 6 }), fc.string({ unit, maxLength: 40 }), (patterns, text) => {
        const folded = patterns.map((p) => foldablePieces(p).join('')).filter((p) => p.length >= 2);
        fc.pre(folded.length > 0);
        const occurs = folded.some((p) => fold(text).includes(p));
        if (occurs) expect(new SkipScan(folded).mayOccurIn(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
