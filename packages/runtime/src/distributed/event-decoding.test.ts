import { describe, expect, it } from 'vitest';
import { decodeEvent } from './event-decoding.ts';

const reason = (value: Uint8Array | null, max = 1024): string | undefined => {
  const d = decodeEvent(value, max);
  return 'rejected' in d ? d.rejected.reason : undefined;
};

describe('decodeEvent', () => {
  it('reads a JSON object', () => {
    expect(decodeEvent(Buffer.from('{"a":1}'), 1024)).toEqual({ event: { a: 1 } });
  });

  it('names why a message is no event', () => {
    expect(reason(null)).toBe('null-value');
    expect(reason(Buffer.from('{"a":1'))).toBe('invalid-json');
    expect(reason(Buffer.from('[1,2]'))).toBe('not-an-object');
    expect(reason(Buffer.from('"text"'))).toBe('not-an-object');
    expect(reason(Buffer.from('null'))).toBe('not-an-object');
    expect(reason(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toBe('invalid-utf8');
    expect(reason(Buffer.alloc(2048, 0x20))).toBe('too-large');
  });
});
