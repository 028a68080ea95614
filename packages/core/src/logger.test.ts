import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('createLogger', () => {
  const at = () => new Date('2026-01-05T07:30:01.000Z');

  it('writes one JSON object per line with the base fields', () => {
    const lines: string[] = [];
    const log = createLogger({ format: 'json', write: (l) => lines.push(l), base: { component: 'worker' }, now: at });
    log.warn('slow', { ms: 12 });
    expect(lines).toEqual(['{"time":"2026-01-05T07:30:01.000Z","level":"warn","message":"slow","component":"worker","ms":12}\n']);
  });

  it('writes text with the prefix, the level when not info, and key=value facts; drops debug unless asked', () => {
    const lines: string[] = [];
    const log = createLogger({ format: 'text', write: (l) => lines.push(l), prefix: 'socle run: ' });
    log.info('rules reload', { status: 'applied', reason: 'two words' });
    log.error('failed');
    log.debug('noise');
    expect(lines).toEqual(['socle run: rules reload status=applied reason="two words"\n', 'socle run: error: failed\n']);
  });
});
