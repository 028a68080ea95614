import { isIPv4 as coreIsIPv4 } from '@socle/core';
import { isIPv4 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIp } from './ip.ts';

describe('isIp', () => {
  it('agrees with the engine and node:net on IPv4: no leading zeros (octal to some readers)', () => {
    for (const text of ['10.1.2.3', '010.1.2.3', '1.2.3', '256.1.1.1', '0.0.0.0', ' 1.2.3.4', '1.2.3.04']) {
      expect(isIp(text), text).toBe(isIPv4(text));
      expect(coreIsIPv4(text), text).toBe(isIPv4(text));
    }
  });

  it('takes IPv6 with a zone or an embedded IPv4 address', () => {
    expect(isIp('fe80::1%eth0')).toBe(true);
    expect(isIp('::ffff:10.1.2.3')).toBe(true);
    expect(isIp('::ffff:010.1.2.3')).toBe(false);
  });
});
