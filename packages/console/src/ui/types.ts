/** The shapes the console reads from the alert API (see the API's /openapi.json); only the fields it shows. */
export interface Principal {
  tokenId: string;
  layer: 1 | 2 | 3 | 4;
  organizations: string[];
  role: string;
  expiresAt: string;
  readOnly: boolean;
}

export interface SessionInfo {
  /** `laptop`: the unauthenticated single-organisation API of `socle run` without a token store. */
  mode: 'token' | 'laptop';
  principal?: Principal;
  /** When the session ends (never after the token's expiry). */
  expiresAt?: string;
  csrfToken?: string;
}

export type Level = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type TriageStatus = 'open' | 'acknowledged' | 'closed';

export interface Correlation {
  type: string;
  group: Record<string, unknown>;
  window: { start: string; end: string };
  value: number;
  events: { ids: string[]; total: number };
  rules: string[];
}

export interface Alert {
  '@timestamp': string;
  event: { id: string; kind: string; severity?: number; reference?: string };
  rule: { id: string; name: string; description?: string; author?: string; category?: string; version?: string; references?: string[]; falsepositives?: string[] };
  tags?: string[];
  'kibana.alert.severity'?: string;
  socle: {
    level: Level;
    eventId?: string;
    correlation?: Correlation;
    suppression?: { suppressed: number; first: string; last: string };
    sharing?: { shared?: boolean; tlp?: string; sharedAt?: string };
  };
  threat?: {
    tactic?: { id?: string[]; name?: string[]; reference?: string[] };
    technique?: { id?: string[]; reference?: string[]; subtechnique?: { id?: string[]; reference?: string[] } };
  };
  host?: { name?: string };
  user?: { name?: string };
  source?: { ip?: string; port?: number };
  destination?: { ip?: string; port?: number };
  organization?: { id?: string | string[] };
  'socle.event'?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface TriageSummary {
  status: TriageStatus;
  assignee?: string;
}

export interface AlertPage {
  alerts: Alert[];
  total: number;
  nextCursor?: string;
  triage: Record<string, TriageSummary>;
}

export interface Count {
  key: string;
  count: number;
}

export interface Bucket {
  key: string;
  count: number;
}

export interface TriageActor {
  tokenId: string;
  layer?: number;
  role?: string;
}

export interface TriageState {
  alertId: string;
  status: TriageStatus;
  assignee?: string;
  tags: string[];
  notes: { at: string; by: TriageActor; text: string }[];
  updatedAt?: string;
  updatedBy?: TriageActor;
}

export interface TriageChange {
  status?: TriageStatus;
  assignee?: string | null;
  addTags?: string[];
  removeTags?: string[];
  note?: string;
}

export interface AlertDetail {
  alert: Alert;
  triage: TriageState;
  members: { eventIds: string[]; total: number; events: Record<string, unknown>[] };
}

export interface AlertHistory {
  alertId: string;
  entries: { alertId: string; at: string; by: TriageActor; change: TriageChange }[];
}
