import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoTime, parseIsoTime } from './iso-time.ts';

/** Milliseconds a `Date` can hold. */
const DATE_RANGE = 8.64e15;
const sameNumber = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));

describe('formatIsoTime', () => {
  it('writes what toISOString writes, for any time a Date can hold', () => {
    fc.assert(fc.property(fc.integer({ min: -DATE_RANGE, max: DATE_RANGE }), (ms) => formatIsoTime(ms) === new Date(ms).toISOString()));
    fc.assert(fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => formatIsoTime(ms) === new Date(ms).toISOString()));
    for (const ms of [0, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5, -62_167_219_200_000]) {
      expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('refuses what toISOString refuses', () => {
    expect(() => formatIsoTime(NaN)).toThrow(RangeError);
    expect(() => formatIsoTime(DATE_RANGE + 1)).toThrow(RangeError);
  });
});

describe('parseIsoTime', () => {
  it('reads what Date.parse reads, on its own output and on every text one character away from it', () => {
    const written = fc.integer({ min: -DATE_RANGE, max: DATE_RANGE }).map((ms) => new Date(ms).toISOString());
    fc.assert(fc.property(written, (text) => parseIsoTime(text) === Date.parse(text)));
    const altered = fc
      .tuple(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.nat(23), fc.constantFrom(...'0123456789:-.TZ x/'))
      .map(([ms, at, c]) => {
        const text = new Date(ms).toISOString();
        return text.slice(0, at) + c + text.slice(at + 1);
      });
    fc.assert(fc.property(altered, (text) => sameNumber(parseIsoTime(text), Date.parse(text))), { numRuns: 5000 });
  });

  it('leaves out-of-range fields and other forms to Date.parse', () => {
    const texts = [
      '2024-02-29T12:00:00.000Z',
      '2023-02-29T12:00:00.000Z',
      '2100-02-29T00:00:00.000Z',
      '2000-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-01-00T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '2026-01-05T07:30:01Z',
      '2026-01-05T07:30:01.544+02:00',
      '2026-01-05 07:30:01.544',
      'not a time at all, 24 c.',
    ];
    for (const text of texts) expect(sameNumber(parseIsoTime(text), Date.parse(text)), text).toBe(true);
  });
});
