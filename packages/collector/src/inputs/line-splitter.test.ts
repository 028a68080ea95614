import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.ts';

describe('LineSplitter', () => {
  it('splits across chunks, strips CR, and reports the byte offset after each line', () => {
    const splitter = new LineSplitter(100);
    const first = splitter.push(Buffer.from('ab\r\nc'));
    const second = splitter.push(Buffer.from('d\n\nü\n'));
    expect(first).toEqual([{ text: 'ab', end: 4 }]);
    expect(second).toEqual([
      { text: 'cd', end: 7 },
      { text: '', end: 8 },
      { text: 'ü', end: 11 },
    ]);
  });

  it('holds an unterminated line until more data or the end', () => {
    const splitter = new LineSplitter(100);
    expect(splitter.push(Buffer.from('partial'))).toEqual([]);
    expect(splitter.pendingBytes).toBe(7);
    expect(splitter.end()).toEqual([{ text: 'partial', end: 7 }]);
  });

  it('reports an over-long line once, with its start, and resumes after its newline', () => {
    const splitter = new LineSplitter(5);
    const lines = [...splitter.push(Buffer.from('ok\n0123456789')), ...splitter.push(Buffer.from('abcdef')), ...splitter.push(Buffer.from('gh\nfine\n'))];
    expect(lines.map((l) => [l.text, l.error !== undefined])).toEqual([
      ['ok', false],
      ['0123456789', true],
      ['fine', false],
    ]);
    expect(lines[2]!.end).toBe(3 + 10 + 6 + 3 + 5);
  });
});
