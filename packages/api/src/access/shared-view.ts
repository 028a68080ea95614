/**
 * What layer 4 (national monitoring) reads: the shared view the sharing policy produced for the alert (the same
 * redaction and pseudonymisation as the STIX output, stored by the sharing side in `socle.sharing.view`), never the
 * stored alert: no raw event, host or user names, addresses, triage state, notes, assignees or token ids.
 */
import type { Alert } from '@socle/core';
import { sharedViewOf } from '../alerts/alert-fields.ts';

/** Filters that would probe the stored alert's personal fields or its triage state; refused at layer 4. */
export const LAYER4_REFUSED_PARAMS: readonly string[] = ['host', 'user', 'ip', 'q', 'status'];

/** The layer-4 answer for an alert: its shared view and when and how it was shared; undefined when not shared. */
export function layer4View(alert: Alert): Record<string, unknown> | undefined {
  const view = sharedViewOf(alert);
  if (!view) return undefined;
  const sharing = alert.socle.sharing as { tlp?: unknown; sharedAt?: unknown };
  return { ...(structuredClone(view) as Record<string, unknown>), ...(typeof sharing.sharedAt === 'string' ? { sharedAt: sharing.sharedAt } : {}) };
}
