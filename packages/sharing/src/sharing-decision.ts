/**
 * Applies a sharing policy to an alert: decides whether it may leave the organisation and builds the view that may.
 * The view is built field by field from what sharing needs (an allow-list), never by deleting fields from the alert,
 * so a field nobody thought of (a log message, a command line) cannot slip through.
 */
import type { Alert } from '@socle/core';
import { SEVERITY_LEVELS, type SeverityLevel } from '@socle/api';
import { NetworkScope } from './network-scope.ts';
import type { PersonalKind, Pseudonymizer } from './pseudonymizer.ts';
import type { PersonalDataTreatment, SharingPolicy } from './sharing-policy.ts';
import type { TlpLevel } from './tlp.ts';

export type Indicator =
  | { kind: 'ipv4-addr' | 'ipv6-addr' | 'domain-name'; value: string }
  | { kind: 'file'; hashes: Record<string, string> };

export interface SharedAlert {
  alertId: string;
  organization: string;
  organizationName: string;
  sharedBy: string;
  tlp: TlpLevel;
  rule: { id: string; name: string; description?: string; category: string };
  level: SeverityLevel;
  /** 0-100, from the engine's `event.severity`. */
  severity: number;
  tags: string[];
  techniques: string[];
  firstSeen: string;
  lastSeen: string;
  /** How many detections this alert stands for (1 + suppressed). */
  count: number;
  /** Public addresses, external domains and file hashes: safe to share as indicators. */
  indicators: Indicator[];
  /** Personal or internal values in the form the policy allows (pseudonyms, or the values when shared). */
  affected: { users: string[]; emails: string[]; hosts: string[]; addresses: string[] };
  correlation?: { type: string; value: number; windowStart: string; windowEnd: string; eventCount: number; group: Record<string, string> };
}

export type SharingDecision = { shared: true; alert: SharedAlert } | { shared: false; reason: string };

const HASH_ALGORITHMS: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' };
const HASH_PATTERNS: Record<string, RegExp> = { MD5: /^[0-9a-f]{32}$/i, 'SHA-1': /^[0-9a-f]{40}$/i, 'SHA-256': /^[0-9a-f]{64}$/i, 'SHA-512': /^[0-9a-f]{128}$/i };
const IP_FIELDS = ['source.ip', 'destination.ip', 'client.ip', 'server.ip', 'source.address', 'destination.address', 'host.ip', 'related.ip'];
const DOMAIN_FIELDS = ['destination.domain', 'source.domain', 'url.domain', 'dns.question.name', 'server.domain', 'client.domain'];
const USER_FIELDS = ['user.name', 'user.id', 'user.target.name', 'source.user.name', 'destination.user.name', 'related.user', 'winlog.event_data.TargetUserName', 'winlog.event_data.SubjectUserName'];
const EMAIL_FIELDS = ['user.email', 'source.user.email', 'destination.user.email', 'email.from.address', 'email.to.address'];
const HOST_FIELDS = ['host.name', 'host.hostname', 'related.hosts', 'source.domain', 'destination.domain'];

export class AlertSharing {
  private readonly scope: NetworkScope;

  constructor(
    readonly policy: SharingPolicy,
    private readonly pseudonyms: Pseudonymizer | undefined,
  ) {
    this.scope = new NetworkScope(policy.internalNetworks, policy.internalDomains);
    if (!pseudonyms && Object.values(policy.personalData).includes('pseudonymise')) {
      throw new Error(`sharing policy ${policy.organization}: pseudonymisation needs the pseudonym key`);
    }
  }

  decide(alert: Alert): SharingDecision {
    const org = organizationOf(alert);
    if (org !== this.policy.organization && !(org === undefined && this.policy.includeUnattributed)) return { shared: false, reason: `organization ${org ?? '(none)'} is not ${this.policy.organization}` };
    const level = levelOf(alert);
    if (SEVERITY_LEVELS.indexOf(level) < SEVERITY_LEVELS.indexOf(this.policy.minimumSeverity)) {
      return { shared: false, reason: `level ${level} is below ${this.policy.minimumSeverity}` };
    }
    const names = [alert.rule.id, ...(alert.tags ?? [])].map((s) => s.toLowerCase());
    const matches = (list: string[]) => list.some((x) => names.includes(x.toLowerCase()));
    if (matches(this.policy.rules.deny)) return { shared: false, reason: `rule ${alert.rule.id} is denied by the policy` };
    if (this.policy.rules.allow.length > 0 && !matches(this.policy.rules.allow)) {
      return { shared: false, reason: `rule ${alert.rule.id} is not in rules.allow` };
    }
    return { shared: true, alert: this.view(alert, level) };
  }

  private view(alert: Alert, level: SeverityLevel): SharedAlert {
    const sources = [alert, (alert['socle.event'] ?? {}) as Record<string, unknown>];
    const indicators: Indicator[] = [];
    const affected = { users: new Set<string>(), emails: new Set<string>(), hosts: new Set<string>(), addresses: new Set<string>() };
    const seen = new Set<string>();
    const addIndicator = (i: Indicator) => {
      const key = JSON.stringify(i);
      if (seen.has(key)) return;
      seen.add(key);
      indicators.push(i);
    };

    for (const ip of valuesAt(sources, IP_FIELDS)) {
      const version = this.scope.ipVersion(ip);
      if (version === 0) continue;
      if (this.scope.isInternalAddress(ip)) this.keep(affected.addresses, 'address', ip, this.policy.personalData.internalAddresses);
      else addIndicator({ kind: version === 4 ? 'ipv4-addr' : 'ipv6-addr', value: ip });
    }
    for (const name of valuesAt(sources, DOMAIN_FIELDS)) {
      if (this.scope.ipVersion(name) !== 0) continue;
      if (!this.scope.isInternalDomain(name)) addIndicator({ kind: 'domain-name', value: name.toLowerCase().replace(/\.$/, '') });
    }
    for (const host of valuesAt(sources, HOST_FIELDS)) {
      if (this.scope.ipVersion(host) === 0 && this.scope.isInternalDomain(host)) this.keep(affected.hosts, 'host', host, this.policy.personalData.internalHosts);
    }
    for (const user of valuesAt(sources, USER_FIELDS)) this.keep(affected.users, 'user', user, this.policy.personalData.users);
    for (const email of valuesAt(sources, EMAIL_FIELDS)) this.keep(affected.emails, 'email', email, this.policy.personalData.emails);
    for (const hashes of fileHashes(sources)) addIndicator({ kind: 'file', hashes });
    for (const [field, value] of Object.entries(alert.socle.correlation?.group ?? {})) {
      if (typeof value !== 'string' || personalKindOfField(field) !== 'address') continue;
      const version = this.scope.ipVersion(value);
      if (version !== 0 && !this.scope.isInternalAddress(value)) addIndicator({ kind: version === 4 ? 'ipv4-addr' : 'ipv6-addr', value });
    }

    const suppression = alert.socle.suppression;
    const correlation = alert.socle.correlation;
    const shared: SharedAlert = {
      alertId: alert.event.id,
      organization: this.policy.organization,
      organizationName: this.policy.organizationName ?? this.policy.organization,
      sharedBy: this.policy.sharedBy,
      tlp: this.policy.tlp,
      rule: { id: alert.rule.id, name: alert.rule.name, description: alert.rule.description, category: alert.rule.category },
      level,
      severity: Math.max(0, Math.min(100, Math.round(alert.event.severity ?? 0))),
      tags: [...(alert.tags ?? [])],
      techniques: [...(alert.threat?.technique?.id ?? []), ...(alert.threat?.technique?.subtechnique?.id ?? [])],
      firstSeen: correlation?.window.start ?? suppression?.first ?? alert['@timestamp'],
      lastSeen: correlation?.window.end ?? suppression?.last ?? alert['@timestamp'],
      count: 1 + (suppression?.suppressed ?? 0),
      indicators,
      affected: { users: [...affected.users], emails: [...affected.emails], hosts: [...affected.hosts], addresses: [...affected.addresses] },
    };
    if (correlation) {
      shared.correlation = {
        type: correlation.type,
        value: correlation.value,
        windowStart: correlation.window.start,
        windowEnd: correlation.window.end,
        eventCount: correlation.events.total,
        group: this.group(correlation.group),
      };
    }
    return shared;
  }

  /** Correlation group values are often user or host names; every value is treated by the kind its field names. */
  private group(group: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, raw] of Object.entries(group)) {
      if (raw === null || raw === undefined) continue;
      const value = String(raw);
      const kind = personalKindOfField(field);
      if (kind === 'address' && !this.scope.isInternalAddress(value) && this.scope.ipVersion(value) !== 0) {
        out[field] = value;
        continue;
      }
      const treatment =
        kind === 'user' ? this.policy.personalData.users
        : kind === 'email' ? this.policy.personalData.emails
        : kind === 'host' ? this.policy.personalData.internalHosts
        : kind === 'address' ? this.policy.personalData.internalAddresses
        : 'pseudonymise';
      if (treatment === 'share') out[field] = value;
      else if (treatment === 'pseudonymise' && this.pseudonyms) out[field] = this.pseudonyms.pseudonym(kind, value);
      else out[field] = '[redacted]';
    }
    return out;
  }

  private keep(into: Set<string>, kind: PersonalKind, value: string, treatment: PersonalDataTreatment): void {
    if (treatment === 'redact') return;
    into.add(treatment === 'share' ? value : this.pseudonyms!.pseudonym(kind, value));
  }
}

function personalKindOfField(field: string): PersonalKind {
  const f = field.toLowerCase();
  if (f.includes('email') || f.includes('mail')) return 'email';
  if (f.includes('user') || f.includes('account')) return 'user';
  if (f.endsWith('.ip') || f.endsWith('.address') || f.endsWith('.addr')) return 'address';
  if (f.startsWith('host.') || f.includes('hostname') || f.includes('computer') || f.endsWith('.domain')) return 'host';
  return 'value';
}

export function organizationOf(alert: Alert): string | undefined {
  const org = alert['organization'];
  if (typeof org === 'string') return org;
  if (org && typeof org === 'object' && typeof (org as { id?: unknown }).id === 'string') return (org as { id: string }).id;
  return undefined;
}

function levelOf(alert: Alert): SeverityLevel {
  const level = String(alert.socle.level ?? '').toLowerCase();
  return (SEVERITY_LEVELS as readonly string[]).includes(level) ? (level as SeverityLevel) : 'informational';
}

/** Values at ECS dotted paths, whether the document nests them (`{source: {ip}}`) or flattens them (`'source.ip'`). */
function valuesAt(docs: Record<string, unknown>[], fields: string[]): string[] {
  const out = new Set<string>();
  for (const doc of docs) {
    for (const field of fields) {
      for (const v of [getPath(doc, field), doc[field]].flat()) {
        if (typeof v === 'string' && v.trim() !== '') out.add(v.trim());
      }
    }
  }
  return [...out];
}

function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function fileHashes(docs: Record<string, unknown>[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const doc of docs) {
    for (const owner of ['file', 'process', 'dll']) {
      const hash = getPath(doc, `${owner}.hash`);
      const hashes: Record<string, string> = {};
      for (const [name, algo] of Object.entries(HASH_ALGORITHMS)) {
        const v = (hash && typeof hash === 'object' ? (hash as Record<string, unknown>)[name] : undefined) ?? doc[`${owner}.hash.${name}`];
        if (typeof v === 'string' && HASH_PATTERNS[algo]!.test(v)) hashes[algo] = v.toLowerCase();
      }
      if (Object.keys(hashes).length > 0) out.push(hashes);
    }
  }
  return out;
}
