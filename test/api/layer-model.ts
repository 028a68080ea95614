/**
 * The reference model of the four-layer access rules (/work/shared/four-layer.md, packages/api/README.md), written
 * independently of the API's code: the suites compare every answer with it.
 */
export type ModelLayer = 1 | 2 | 3 | 4;
export type ModelRole = 'analyst' | 'admin' | 'auditor' | 'national';

export interface ModelPrincipal {
  name: string;
  layer: ModelLayer;
  organizations: string[];
  role: ModelRole;
  central?: boolean;
}

export interface ModelAlert {
  id: string;
  /** `organization.id`; a SOC id for SOC-wide correlations. */
  org?: string;
  /** `socle.organizations`: the member organisations of a SOC-wide correlation ([] is malformed). */
  members?: string[];
  /** Shared upward by the sharing policy (it then carries the shared view). */
  shared: boolean;
  level: 'low' | 'medium' | 'high' | 'critical';
  rule: string;
  time: string;
}

/** The organisations whose data the alert holds. */
export function dataOrganizations(a: ModelAlert): string[] {
  if (a.members !== undefined) return a.members;
  return a.org === undefined ? [] : [a.org];
}

/** Whether the principal may read the alert (layer 4: only its shared view). */
export function sees(p: ModelPrincipal, a: ModelAlert): boolean {
  const orgs = dataOrganizations(a);
  if (orgs.length === 0) return false;
  if (p.layer === 4) {
    if (!a.shared) return false;
    if (p.organizations.length === 0) return true;
  }
  return orgs.every((o) => p.organizations.includes(o));
}

export function visibleIds(p: ModelPrincipal, alerts: readonly ModelAlert[]): string[] {
  return alerts.filter((a) => sees(p, a)).map((a) => a.id).sort();
}

/** Auditors (layer 3) and national (layer 4) never write. */
export function mayWriteTriage(p: ModelPrincipal): boolean {
  return p.layer === 1 || p.layer === 2;
}

/** Layer 4 has no triage at all (no state, no history). */
export function seesTriage(p: ModelPrincipal): boolean {
  return p.layer !== 4;
}

/** The rule set is shared by every organisation: only central admins reload it. */
export function mayReload(p: ModelPrincipal): boolean {
  return p.role === 'admin' && p.central === true;
}

export function isAdmin(p: ModelPrincipal): boolean {
  return p.role === 'admin';
}

/** Tokens an admin manages: central, all; organisation admins, tokens within their organisations (no central, no layer 4). */
export function managesToken(p: ModelPrincipal, t: ModelPrincipal): boolean {
  if (!isAdmin(p)) return false;
  if (p.central) return true;
  if (t.central || t.layer === 4 || t.organizations.length === 0) return false;
  return t.organizations.every((o) => p.organizations.includes(o));
}

/** Counts per organisation key as the API reports them (an alert counts under each organisation of its data). */
export function countsByOrganization(p: ModelPrincipal, alerts: readonly ModelAlert[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of alerts) if (sees(p, a)) for (const o of new Set(dataOrganizations(a))) out[o] = (out[o] ?? 0) + 1;
  return out;
}
