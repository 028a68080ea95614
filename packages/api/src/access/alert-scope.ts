/**
 * Server-side scoping of alert queries. Every query is intersected with the principal's scope here, before it
 * reaches the store; nothing the client sends can widen it. An alert's organisations are its data organisations
 * (`alertFields`): `socle.organizations` for a SOC-wide correlation, else `organization.id`.
 *   layer 1 and 2: alerts whose organisations are all among the principal's;
 *   layer 3 (auditor): the same, read-only (writes are refused by the API);
 *   layer 4 (national): only alerts shared upward with their shared view (SHARED_UPWARD_FIELD, SHARED_VIEW_FIELD),
 *   within its organisations when it has any; the API then answers with the view only (`shared-view.ts`).
 * An alert with no organisation is out of scope for every principal (only the token-less laptop mode sees it).
 */
import type { Alert } from '@socle/core';
import { alertFields, SHARED_UPWARD_FIELD } from '../alerts/alert-fields.ts';
import type { AlertCount, AlertCountKey, AlertPage, AlertQuery, AlertStore, AlertTimeBucket } from '../ports.ts';
import type { Principal } from './principal.ts';

export { SHARED_UPWARD_FIELD };

/** The organisations a principal is confined to; `undefined` for a layer-4 token without organisations (all). */
function allowedOrganizations(p: Principal): string[] | undefined {
  if (p.layer === 4 && p.organizations.length === 0) return undefined;
  return p.organizations;
}

/**
 * The query narrowed to the principal's scope. Client organisation filters are intersected with the allowed set
 * (an empty intersection yields an empty array, which matches nothing), `sharedOnly` is forced for layer 4.
 */
export function scopeQuery(p: Principal, query: AlertQuery): AlertQuery {
  const allowed = allowedOrganizations(p);
  let organization: string[] | undefined = query.organization;
  if (allowed) {
    organization = query.organization === undefined ? [...allowed] : query.organization.filter((o) => allowed.includes(o));
  }
  return { ...query, ...(organization ? { organization } : {}), ...(p.layer === 4 ? { sharedOnly: true, withOrganization: true } : {}) };
}

export function alertInScope(p: Principal, alert: Alert): boolean {
  const f = alertFields(alert);
  if (p.layer === 4 && !f.shared) return false;
  if (f.organizations.length === 0) return false;
  const allowed = allowedOrganizations(p);
  if (!allowed) return true;
  return f.organizations.length > 0 && f.organizations.every((o) => allowed.includes(o));
}

/** Layer 4 never receives raw events: the included event is removed. */
export function redactForPrincipal(p: Principal | undefined, alert: Alert): Alert {
  if (p?.layer !== 4 || !('socle.event' in alert)) return alert;
  const { 'socle.event': _event, ...rest } = alert;
  return rest as Alert;
}

/** An AlertStore seen through a principal: the only way the API reaches alerts when tokens are in use. */
export class ScopedAlertStore implements AlertStore {
  readonly scopeFilters = true;

  constructor(
    private readonly store: AlertStore,
    readonly principal: Principal,
  ) {
    if (store.scopeFilters !== true) {
      throw new Error('this alert store does not support organisation scoping (scopeFilters); refusing token-authenticated access');
    }
  }

  async search(query: AlertQuery): Promise<AlertPage> {
    const page = await this.store.search(scopeQuery(this.principal, query));
    // Belt and braces: a store that ignored a filter must still not leak.
    const alerts = page.alerts.filter((a) => alertInScope(this.principal, a)).map((a) => redactForPrincipal(this.principal, a));
    return { ...page, alerts };
  }

  async get(id: string): Promise<Alert | undefined> {
    const alert = await this.store.get(id);
    return alert && alertInScope(this.principal, alert) ? redactForPrincipal(this.principal, alert) : undefined;
  }

  async aggregate(by: AlertCountKey, query: AlertQuery = {}): Promise<AlertCount[]> {
    return this.store.aggregate(by, scopeQuery(this.principal, query));
  }

  async histogram(intervalMs: number, query: AlertQuery = {}): Promise<AlertTimeBucket[]> {
    if (!this.store.histogram) throw new HistogramUnsupportedError();
    return this.store.histogram(intervalMs, scopeQuery(this.principal, query));
  }
}

export class HistogramUnsupportedError extends Error {
  constructor() {
    super('this alert store has no date histogram');
  }
}
