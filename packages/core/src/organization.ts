/**
 * Tenancy: every event, every piece of engine state and every alert belongs to one organisation (ECS
 * `organization.id`). A SOC (layer 2) serves several organisations; a rule declared SOC-wide correlates across
 * them, and its alerts belong to the SOC.
 */
import type { Alert } from './alert.ts';
import { compileFieldGetter, type SocleEvent } from './event.ts';

export const DEFAULT_ORGANIZATION = 'default';

/** Who owns what: the organisation of events without one, and each member organisation's SOC. */
export interface Tenancy {
  defaultOrganization: string;
  /** Member organisation id -> its SOC id. */
  socOf: ReadonlyMap<string, string>;
  /** The `socs` option as given (for fingerprints). */
  socs: Readonly<Record<string, readonly string[]>>;
}

export interface TenancyOptions {
  /** The organisation of events without a string `organization.id` (default `"default"`). */
  defaultOrganization?: string;
  /** SOC id -> its member organisation ids; an organisation belongs to at most one SOC. */
  socs?: Record<string, string[]>;
}

/** Validates the tenancy options; a bad one throws a `TypeError` naming the option and what is wrong. */
export function tenancyOf(options: TenancyOptions): Tenancy {
  const defaultOrganization = options.defaultOrganization ?? DEFAULT_ORGANIZATION;
  if (typeof defaultOrganization !== 'string' || defaultOrganization === '') {
    throw new TypeError(`defaultOrganization must be a non-empty string (got ${JSON.stringify(options.defaultOrganization)})`);
  }
  const socs = options.socs ?? {};
  if (socs === null || typeof socs !== 'object' || Array.isArray(socs)) {
    throw new TypeError('socs must be a mapping of SOC id -> list of member organisation ids');
  }
  const socOf = new Map<string, string>();
  for (const [soc, members] of Object.entries(socs)) {
    if (soc === '') throw new TypeError('socs: a SOC id must not be empty');
    if (!Array.isArray(members) || members.some((m) => typeof m !== 'string' || m === '')) {
      throw new TypeError(`socs.${soc} must be a list of organisation ids (non-empty strings)`);
    }
    for (const org of members) {
      const other = socOf.get(org);
      if (other !== undefined && other !== soc) {
        throw new TypeError(`socs: organisation '${org}' is a member of both '${other}' and '${soc}' (an organisation belongs to at most one SOC)`);
      }
      socOf.set(org, soc);
    }
  }
  // A SOC id that is also an organisation id would let that organisation's principals see the SOC's alerts.
  for (const soc of Object.keys(socs)) {
    if (socOf.has(soc)) throw new TypeError(`socs: '${soc}' is both a SOC id and a member organisation (of '${socOf.get(soc)}')`);
    if (soc === defaultOrganization) throw new TypeError(`socs: '${soc}' is both a SOC id and the defaultOrganization`);
  }
  return { defaultOrganization, socOf, socs };
}

const organizationIdGetter = compileFieldGetter('organization.id');

/** The event's `organization.id` (nested or flat), or `fallback` when it is not a non-empty string. */
export function organizationOf(event: SocleEvent, fallback: string): string {
  const id = organizationIdGetter(event);
  return typeof id === 'string' && id !== '' ? id : fallback;
}

/**
 * A rule's `socle.scope`: `organization` (the default: its state and alerts are per organisation) or `soc` (a
 * correlation across the member organisations of one SOC). Returns the problem as text when the value is wrong.
 */
export type RuleScope = 'organization' | 'soc';

export function ruleScopeOf(custom: Record<string, unknown> | undefined): RuleScope | { error: string } {
  const socle = custom?.socle;
  if (socle === undefined || socle === null || typeof socle !== 'object') return 'organization';
  const scope = (socle as Record<string, unknown>).scope;
  if (scope === undefined || scope === 'organization') return 'organization';
  if (scope === 'soc') return 'soc';
  return { error: `must be 'organization' or 'soc', got ${JSON.stringify(scope)}` };
}

/** Who contributed one member of a correlation: an organisation, or (a chained alert) its sorted organisations. */
export type Contributors = string | readonly string[];

/** The sorted distinct organisations behind a list of members. */
export function contributingOrganizations(members: Iterable<Contributors>): string[] {
  const set = new Set<string>();
  for (const m of members) {
    if (typeof m === 'string') set.add(m);
    else for (const o of m) set.add(o);
  }
  return [...set].sort();
}

/**
 * The visibility rule for alert consumers (the API): a principal sees an alert only when entitled to every
 * organisation in its `socle.organizations` (an alert from elsewhere without that list: every id in
 * `organization.id`). An alert with neither is seen by nobody.
 */
export function alertVisibleTo(alert: Pick<Alert, 'organization' | 'socle'>, entitled: ReadonlySet<string>): boolean {
  const listed = alert.socle.organizations ?? alert.organization?.id;
  const ids = typeof listed === 'string' ? [listed] : Array.isArray(listed) ? listed : [];
  return ids.length > 0 && ids.every((id) => entitled.has(id));
}
