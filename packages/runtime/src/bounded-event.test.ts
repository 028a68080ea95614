import { describe, expect, it } from 'vitest';
import { makeAlert } from '@socle/api/testing';
import { boundEventOriginal } from './bounded-event.ts';

describe('boundEventOriginal', () => {
  it('cuts a long raw line and says how much was left out, without touching the engine event', () => {
    const event = { event: { original: 'x'.repeat(30), kind: 'event' }, host: { name: 'web-01' } };
    const alert = { ...makeAlert({ id: 'a', time: '2026-03-14T09:00:00Z' }), 'socle.event': event };
    const bounded = boundEventOriginal(alert, 10);
    expect((bounded['socle.event']!.event as any).original).toBe(`${'x'.repeat(10)}… [20 more characters not kept]`);
    expect(bounded['socle.event']!.host).toEqual({ name: 'web-01' });
    expect(event.event.original).toHaveLength(30);
    expect(boundEventOriginal(alert, 30)).toBe(alert);
  });
});
