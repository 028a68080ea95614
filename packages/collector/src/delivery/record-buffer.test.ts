import { describe, expect, it } from 'vitest';
import { RecordBuffer } from './record-buffer.ts';

describe('RecordBuffer', () => {
  it('returns a full batch at once without waiting for the linger time', async () => {
    const buffer = new RecordBuffer<number>(100);
    for (let i = 0; i < 10; i++) buffer.push(i);
    // A linger far longer than the test timeout would fail the test if it were waited for.
    expect(await buffer.take(5, 3_600_000)).toEqual([0, 1, 2, 3, 4]);
    expect(await buffer.take(5, 3_600_000)).toEqual([5, 6, 7, 8, 9]);
  });

  it('hands out a partial batch once the linger time passes', async () => {
    const buffer = new RecordBuffer<string>(100);
    buffer.push('a');
    expect(await buffer.take(50, 5)).toEqual(['a']);
  });

  it('wakes a waiting consumer when records arrive, and completes the batch when it fills', async () => {
    const buffer = new RecordBuffer<number>(100);
    const taken = buffer.take(3, 3_600_000);
    buffer.push(1);
    buffer.push(2);
    buffer.push(3);
    expect(await taken).toEqual([1, 2, 3]);
  });

  it('signals full at capacity and releases writers only after draining below the resume mark', async () => {
    const buffer = new RecordBuffer<number>(8, 0.5);
    for (let i = 0; i < 8; i++) buffer.push(i);
    expect(buffer.full).toBe(true);
    let released = false;
    const writable = buffer.whenWritable().then(() => (released = true));
    await buffer.take(2, 0); // 6 left: not yet below 4
    await Promise.resolve();
    expect(released).toBe(false);
    await buffer.take(3, 0); // 3 left
    await writable;
    expect(released).toBe(true);
    expect(buffer.full).toBe(false);
  });

  it('lets a consumer drain what is left after close, then returns empty batches', async () => {
    const buffer = new RecordBuffer<number>(10);
    buffer.push(1);
    buffer.close();
    expect(await buffer.take(10, 3_600_000)).toEqual([1]);
    expect(await buffer.take(10, 3_600_000)).toEqual([]);
    expect(() => buffer.push(2)).toThrow(/push after close/);
  });

  it('keeps FIFO order across many pushes and takes', async () => {
    const buffer = new RecordBuffer<number>(100_000);
    for (let i = 0; i < 20_000; i++) buffer.push(i);
    const out: number[] = [];
    while (buffer.size > 0) out.push(...(await buffer.take(777, 0)));
    expect(out).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
  });
});
