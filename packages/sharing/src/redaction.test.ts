import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertSharing } from './sharing-decision.ts';
import { parseSharingPolicy, type PersonalDataTreatment } from './sharing-policy.ts';
import { Pseudonymizer } from './pseudonymizer.ts';
import { alertToStix } from './stix-objects.ts';
import { makeBundle } from './signed-bundle.ts';
import { detectionAlert } from './sample-alerts.test-helper.ts';

const KEY = new TextEncoder().encode('organisation-secret-for-tests');

function sharingWith(treatment: PersonalDataTreatment, key = KEY) {
  const policy = parseSharingPolicy(
    [
      'organization: acme',
      'sharedBy: SOC Hanoi',
      'minimumSeverity: low',
      'internalDomains: [corp.example]',
      'internalNetworks: [198.18.0.0/15]',
      `personalData: {users: ${treatment}, emails: ${treatment}, internalHosts: ${treatment}, internalAddresses: ${treatment}}`,
      'pseudonymKey: {env: ACME_KEY}',
    ].join('\n'),
    'acme.yml',
  );
  return new AlertSharing(policy, new Pseudonymizer(key));
}

const word = fc.stringMatching(/^[g-z]{4,12}$/);
const personal = fc.record({
  user: word.map((w) => `usr${w}`),
  email: fc.tuple(word, word).map(([a, b]) => `eml${a}@${b}.example.org`),
  host: word.map((w) => `hst${w}`),
  fqdn: word.map((w) => `hst${w}.corp.example`),
  ip: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map(([a, b, c]) => `10.${a}.${b}.${c}`),
  benchIp: fc.integer({ min: 1, max: 254 }).map((d) => `198.18.7.${d}`),
});

function alertCarrying(p: { user: string; email: string; host: string; fqdn: string; ip: string; benchIp: string }) {
  return detectionAlert({
    host: { name: p.host, hostname: p.fqdn, ip: [p.ip] },
    user: { name: p.user, email: p.email },
    source: { ip: p.benchIp, user: { name: p.user } },
    destination: { ip: p.ip, domain: p.fqdn },
    related: { user: [p.user], hosts: [p.host, p.fqdn], ip: [p.ip, p.benchIp] },
    'socle.event': { message: `Accepted password for ${p.user} <${p.email}> from ${p.ip} on ${p.fqdn}`, host: { name: p.host } },
    socle: {
      level: 'high',
      correlation: {
        type: 'value_count',
        group: { 'user.name': p.user, 'host.name': p.host, 'source.ip': p.ip, 'user.email': p.email },
        window: { start: '2026-03-14T09:10:00.000Z', end: '2026-03-14T09:20:00.000Z' },
        value: 12,
        events: { ids: [`${p.host}:1`], total: 12 },
        rules: ['ssh-failed'],
      },
    },
  });
}

function sharedText(sharing: AlertSharing, alert: ReturnType<typeof detectionAlert>): string {
  const decision = sharing.decide(alert);
  if (!decision.shared) throw new Error(decision.reason);
  return JSON.stringify(decision.alert) + JSON.stringify(makeBundle(alertToStix(decision.alert)));
}

describe('redaction of personal data', () => {
  for (const treatment of ['pseudonymise', 'redact'] as const) {
    it(`never lets a user name, e-mail address, internal host or internal address through (${treatment})`, () => {
      const sharing = sharingWith(treatment);
      fc.assert(
        fc.property(personal, (p) => {
          const text = sharedText(sharing, alertCarrying(p)).toLowerCase();
          for (const value of [p.user, p.email, p.email.split('@')[0]!, p.host, p.fqdn, p.ip, p.benchIp]) {
            expect(text, `${value} leaked`).not.toContain(value.toLowerCase());
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('maps the same user to the same pseudonym across alerts, and different keys to different pseudonyms', () => {
    const a = sharingWith('pseudonymise').decide(alertCarrying({ user: 'usrmallory', email: 'emlm@x.example.org', host: 'hstweb', fqdn: 'hstweb.corp.example', ip: '10.1.2.3', benchIp: '198.18.7.1' }));
    const b = sharingWith('pseudonymise').decide(
      detectionAlert({ event: { kind: 'alert', id: 'another', severity: 50 }, user: { name: 'USRMALLORY' } }),
    );
    const c = sharingWith('pseudonymise', new TextEncoder().encode('another-organisation-secret')).decide(detectionAlert({ user: { name: 'usrmallory' } }));
    if (!a.shared || !b.shared || !c.shared) throw new Error('expected the alerts to be shared');
    const pseudonym = a.alert.affected.users[0]!;
    expect(pseudonym).toMatch(/^user-[0-9a-f]{20}$/);
    expect(b.alert.affected.users).toEqual([pseudonym]);
    expect(c.alert.affected.users).not.toContain(pseudonym);
    expect(a.alert.correlation!.group['user.name']).toBe(pseudonym);
  });

  it('shares the values as they are only where the policy says so, and keeps public addresses as indicators', () => {
    const decision = sharingWith('share').decide(detectionAlert());
    if (!decision.shared) throw new Error(decision.reason);
    expect(decision.alert.affected).toEqual({ users: ['deploy'], emails: ['deploy@acme.example'], hosts: ['app-02'], addresses: ['10.20.0.12'] });
    expect(decision.alert.indicators).toContainEqual({ kind: 'ipv4-addr', value: '203.0.113.66' });
  });
});

describe('sharing decisions', () => {
  const policy = (extra: string) => parseSharingPolicy(`organization: acme\nsharedBy: SOC\npersonalData: {users: redact, emails: redact, internalHosts: redact, internalAddresses: redact}\n${extra}`, 'p.yml');

  it('keeps alerts below the minimum level, of other organisations, and of rules not allowed', () => {
    const s = new AlertSharing(policy('minimumSeverity: high\nrules: {allow: [attack.credential-access], deny: [noisy-rule]}'), undefined);
    expect(s.decide(detectionAlert()).shared).toBe(true);
    expect(s.decide(detectionAlert({ socle: { level: 'medium' } }))).toEqual({ shared: false, reason: 'level medium is below high' });
    expect(s.decide(detectionAlert({ organization: { id: 'globex' } }))).toEqual({ shared: false, reason: 'organization globex is not acme' });
    expect(s.decide(detectionAlert({ tags: ['attack.discovery'] }))).toMatchObject({ shared: false, reason: 'rule socle-ssh-login-after-bruteforce is not in rules.allow' });
    expect(s.decide(detectionAlert({ rule: { id: 'noisy-rule', name: 'n', category: 'detection' } }))).toMatchObject({ shared: false, reason: 'rule noisy-rule is denied by the policy' });
  });
});

describe('alerts without an organisation', () => {
  const base = 'organization: acme\nsharedBy: SOC\npersonalData: {users: redact, emails: redact, internalHosts: redact, internalAddresses: redact}\n';
  const correlation = detectionAlert({
    organization: undefined,
    user: undefined,
    host: undefined,
    source: undefined,
    destination: undefined,
    file: undefined,
    'socle.event': undefined,
    socle: { level: 'medium', correlation: { type: 'value_count', group: { 'source.ip': '203.0.113.66' }, window: { start: '2026-03-14T09:03:00.000Z', end: '2026-03-14T09:03:19.000Z' }, value: 20, events: { ids: [], total: 20 }, rules: [] } },
  });

  it('are kept unless the policy includes them, and then share their group address as an indicator', () => {
    expect(new AlertSharing(parseSharingPolicy(base, 'p.yml'), undefined).decide(correlation)).toEqual({ shared: false, reason: 'organization (none) is not acme' });
    const d = new AlertSharing(parseSharingPolicy(base + 'includeUnattributed: true\n', 'p.yml'), undefined).decide(correlation);
    if (!d.shared) throw new Error(d.reason);
    expect(d.alert.indicators).toEqual([{ kind: 'ipv4-addr', value: '203.0.113.66' }]);
    expect(d.alert.correlation!.group).toEqual({ 'source.ip': '203.0.113.66' });
  });
});
