import { describe, expect, it } from 'vitest';
import { expandEvents, testFileSchema } from './test-format.ts';

describe('expandEvents', () => {
  it('generates repeated events with stepped timestamps and cycled values, merged with defaults', () => {
    const events = expandEvents(
      [{ repeat: 3, every: '10s', event: { '@timestamp': '2026-01-01T00:00:00Z', 'source.ip': '1.2.3.4' }, vary: { 'user.name': ['a', 'b'] } }],
      { 'host.name': 'h1' },
    );
    expect(events).toEqual([
      { 'host.name': 'h1', '@timestamp': '2026-01-01T00:00:00.000Z', 'source.ip': '1.2.3.4', 'user.name': 'a' },
      { 'host.name': 'h1', '@timestamp': '2026-01-01T00:00:10.000Z', 'source.ip': '1.2.3.4', 'user.name': 'b' },
      { 'host.name': 'h1', '@timestamp': '2026-01-01T00:00:20.000Z', 'source.ip': '1.2.3.4', 'user.name': 'a' },
    ]);
  });

  it('orders events by time, keeping the written order for ties', () => {
    const events = expandEvents([
      { '@timestamp': '2026-01-01T00:01:00Z', n: 1 },
      { '@timestamp': '2026-01-01T00:00:00Z', n: 2 },
      { '@timestamp': '2026-01-01T00:00:00Z', n: 3 },
    ]);
    expect(events.map((e) => e.n)).toEqual([2, 3, 1]);
  });
});

describe('testFileSchema', () => {
  it('rejects a case without expectations and a bad duration, naming the path', () => {
    const result = testFileSchema.safeParse({
      cases: [{ name: 'x', events: [{ repeat: 2, every: 'soon', event: {} }], expect: [] }],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('cases.0.expect');
  });
});
