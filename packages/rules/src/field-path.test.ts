import { describe, expect, it } from 'vitest';
import { getField } from './field-path.ts';

describe('getField', () => {
  it('reads nested, flat and mixed dotted fields', () => {
    expect(getField({ source: { ip: '1.1.1.1' } }, 'source.ip')).toBe('1.1.1.1');
    expect(getField({ 'source.ip': '2.2.2.2' }, 'source.ip')).toBe('2.2.2.2');
    expect(getField({ 'socle.event': { user: { name: 'bob' } } }, 'socle.event.user.name')).toBe('bob');
    expect(getField({ socle: { correlation: { group: { 'source.ip': '3.3.3.3' } } } }, 'socle.correlation.group.source.ip')).toBe('3.3.3.3');
    expect(getField({ a: 1 }, 'a.b')).toBeUndefined();
  });
});
