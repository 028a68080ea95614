import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueMemo } from './value-memo.ts';

describe('ValueMemo', () => {
  it('gives back what was stored for a text, and nothing for texts not seen', () => {
    const memo = new ValueMemo<number[]>({ left: 1_000_000 });
    expect(memo.get('cmd.exe /c whoami')).toBeUndefined();
    expect(memo.set('cmd.exe /c whoami', [3, 7])).toEqual([3, 7]);
    expect(memo.set('notepad.exe', []).length).toBe(0);
    expect([...memo.get('cmd.exe /c whoami')!]).toEqual([3, 7]);
    expect(memo.get('notepad.exe')?.length).toBe(0);
    // An equal string built elsewhere (as JSON.parse builds a new one per event) is the same value.
    expect([...memo.get(['cmd.exe', '/c', 'whoami'].join(' '))!]).toEqual([3, 7]);
    // Each field has its own memo: another one knows nothing of these values.
    expect(new ValueMemo<number[]>({ left: 1_000_000 }).get('cmd.exe /c whoami')).toBeUndefined();
  });

  it('keeps a value in use while a stream of new values passes through, within its shared budget', () => {
    const budget = { left: 200_000 };
    const memo = new ValueMemo<number[]>(budget);
    memo.set('C:\\Windows\\System32\\svchost.exe', [1]);
    for (let i = 0; i < 20_000; i++) {
      if (!memo.active()) continue;
      // One value in four repeats: the memo stays in use.
      if (i % 4 === 0) expect([...memo.get('C:\\Windows\\System32\\svchost.exe')!]).toEqual([1]);
      else if (memo.get(`C:\\Temp\\${i}.exe`) === undefined) memo.set(`C:\\Temp\\${i}.exe`, []);
      expect(budget.left).toBeGreaterThanOrEqual(0);
    }
    expect(memo.active()).toBe(true);
  });

  it('stores nothing once the shared budget is spent, and still answers for what it holds', () => {
    const budget = { left: 150 };
    const a = new ValueMemo<number[]>(budget);
    const b = new ValueMemo<number[]>(budget);
    a.set('x'.repeat(40), [1]);
    b.set('y'.repeat(40), [2]);
    expect(budget.left).toBeLessThan(40 + 64);
    expect(b.get('y'.repeat(40))).toBeUndefined();
    expect([...a.get('x'.repeat(40))!]).toEqual([1]);
    expect(budget.left).toBeGreaterThanOrEqual(0);
  });

  it('steps aside for a field whose values never repeat (timestamps, GUIDs), gives its budget back, and measures again later', () => {
    const budget = { left: 1_000_000 };
    const memo = new ValueMemo<number[]>(budget);
    let lookups = 0;
    while (memo.active()) {
      const t = `2026-11-23T10:00:${lookups++}Z`;
      if (memo.get(t) === undefined) memo.set(t, []);
    }
    expect(lookups).toBe(1024);
    expect(budget.left).toBe(1_000_000);
    let bypassed = 1;
    while (!memo.active()) bypassed++;
    expect(bypassed).toBe(16 * 1024);
    expect(memo.get('2026-11-23T10:00:0Z')).toBeUndefined();
  });

  it('never gives back what another text stored (property, against a Map)', () => {
    const text = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ minLength: 30, maxLength: 90 }), fc.constantFrom('C:\\Windows\\a.exe', 'C:\\Windows\\b.exe'));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 300 }), (texts) => {
        const memo = new ValueMemo<number>({ left: 1_000_000 });
        const stored = new Map<string, number>();
        texts.forEach((t, i) => {
          const found = memo.get(t);
          if (found !== undefined) expect(found).toBe(stored.get(t));
          else if (!stored.has(t)) stored.set(t, memo.set(t, i));
        });
      }),
    );
  });
});
