/** Runs a sharing policy over the alerts of a store: what would go upward, as shared views and signed-ready bundles. */
import { alertPages, type AlertQuery, type AlertStore } from '@socle/api';
import type { AlertSharing, SharedAlert } from './sharing-decision.ts';
import { destinationOf } from './sharing-policy.ts';
import { makeBundle, type Destination, type StixBundle } from './signed-bundle.ts';
import { alertToStix } from './stix-objects.ts';

export interface SharingRun {
  /** The collection and organisation the policy shares into. */
  destination: Destination;
  shared: { alert: SharedAlert; bundle: StixBundle }[];
  kept: { alertId: string; reason: string }[];
}

/** Every alert matching `query` (all pages, oldest first), decided by the policy; one bundle per shared alert. */
export async function shareAlerts(store: AlertStore, sharing: AlertSharing, query: Omit<AlertQuery, 'cursor' | 'size'> = {}): Promise<SharingRun> {
  const run: SharingRun = { destination: destinationOf(sharing.policy), shared: [], kept: [] };
  const alerts = [];
  for await (const page of alertPages(store, { ...query, size: 500 })) alerts.push(...page.alerts);
  for (const alert of alerts.reverse()) {
    const decision = sharing.decide(alert);
    if (decision.shared) run.shared.push({ alert: decision.alert, bundle: makeBundle(alertToStix(decision.alert)) });
    else run.kept.push({ alertId: alert.event.id, reason: decision.reason });
  }
  return run;
}
