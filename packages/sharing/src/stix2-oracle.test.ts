/**
 * The OASIS `stix2` Python library as an extra oracle: its strict parse (no allow_custom) must accept every produced
 * bundle. Skipped, with the reason, when python3 or the library is absent (`pip install stix2` enables it).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AlertSharing } from './sharing-decision.ts';
import { parseSharingPolicy } from './sharing-policy.ts';
import { Pseudonymizer } from './pseudonymizer.ts';
import { alertToStix } from './stix-objects.ts';
import { makeBundle } from './signed-bundle.ts';
import { TLP_LEVELS } from './tlp.ts';
import { detectionAlert } from './sample-alerts.test-helper.ts';

const probe = spawnSync('python3', ['-c', 'import stix2'], { encoding: 'utf8' });
const missing = probe.error ? 'python3 is not installed' : probe.status !== 0 ? 'the stix2 Python library is not installed (pip install stix2)' : undefined;
if (missing) console.warn(`stix2 oracle skipped: ${missing}`);

const STRICT_PARSE = `
import sys, stix2
for line in sys.stdin:
    bundle = stix2.parse(line, allow_custom=False, version="2.1")
    print(len(bundle.objects))
`;

describe.skipIf(missing !== undefined)('bundles under the OASIS stix2 strict parse', () => {
  it('accepts a bundle at every TLP level, detection and correlation alerts', () => {
    const correlation = detectionAlert({
      rule: { id: 'socle-ssh-bruteforce', name: 'SSH brute force', category: 'correlation' },
      socle: {
        level: 'high',
        correlation: { type: 'value_count', group: { 'source.ip': '203.0.113.66', 'user.name': 'deploy' }, window: { start: '2026-03-14T09:03:00.000Z', end: '2026-03-14T09:03:19.000Z' }, value: 20, events: { ids: [], total: 20 }, rules: [] },
      },
    } as never);
    const lines = TLP_LEVELS.map((tlp, i) => {
      const policy = parseSharingPolicy(`organization: acme\nsharedBy: SOC Hanoi\ntlp: ${tlp}\npseudonymKey: {env: K}\n`, 'policy.yml');
      const decision = new AlertSharing(policy, new Pseudonymizer(new TextEncoder().encode('0123456789abcdef-key'))).decide(i % 2 ? correlation : detectionAlert());
      if (!decision.shared) throw new Error(decision.reason);
      return JSON.stringify(makeBundle(alertToStix(decision.alert)));
    });
    const run = spawnSync('python3', ['-c', STRICT_PARSE], { input: lines.join('\n') + '\n', encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(TLP_LEVELS.length);
  });
});
