/**
 * Alerts are ECS documents (`event.kind: alert`). Detection alerts reference one event; correlation alerts
 * carry their group, window, value and member events under `socle.correlation`.
 */
export interface AlertRule {
  id: string;
  name: string;
  description?: string;
  reference?: string[];
  version?: string;
  author?: string;
  license?: string;
  /** `detection` or `correlation` (and the correlation type under `socle.correlation.type`). */
  category: 'detection' | 'correlation';
}

/** ECS `threat.*` from a rule's ATT&CK tags, with ECS's array-valued fields. */
export interface Threat {
  framework: 'MITRE ATT&CK';
  tactic?: { id: string[]; name: string[]; reference: string[] };
  technique?: { id: string[]; reference: string[]; subtechnique?: { id: string[]; reference: string[] } };
}

export interface AlertCorrelation {
  type: string;
  group: Record<string, unknown>;
  window: { start: string; end: string };
  /** The count or metric value that satisfied the condition. */
  value: number;
  /** Ids of the member events (capped) and how many there were in all. */
  events: { ids: string[]; total: number };
  /** Ids of the rules whose matches made up the correlation. */
  rules: string[];
}

export interface AlertSuppression {
  /** How many further alerts with the same suppression key were folded into this one. */
  suppressed: number;
  first: string;
  last: string;
  key: Record<string, unknown>;
}

/**
 * ECS `organization`: the alert's owner, an organisation or (SOC-wide correlations) a SOC. The engine always
 * writes one id; ECS allows a list, which alerts from elsewhere may hold.
 */
export interface AlertOrganization {
  id: string | string[];
  [key: string]: unknown;
}

export interface Alert {
  '@timestamp': string;
  event: {
    kind: 'alert';
    /** Deterministic: derived from rule, group key and window (correlation) or rule and event id (detection). */
    id: string;
    severity: number;
    /** Ids of the events behind the alert. */
    reference?: string;
  };
  rule: AlertRule;
  /**
   * The owner. The engine sets it on every alert it emits: the event's `organization.id`, else the engine's
   * `defaultOrganization`; for a SOC-wide correlation, the SOC id.
   */
  organization?: AlertOrganization;
  tags: string[];
  threat?: Threat;
  'kibana.alert.severity'?: string;
  socle: {
    level: string;
    /** The matched event's id (detection alerts). */
    eventId?: string;
    correlation?: AlertCorrelation;
    suppression?: AlertSuppression;
    /**
     * The sorted organisations whose events the alert is made of (set by the engine on every alert): `[owner]`,
     * or a SOC-wide correlation's member organisations. A principal may see the alert only when entitled to each.
     */
    organizations?: string[];
    /** Extension data (risk score, sharing) copied from the rule. */
    [key: string]: unknown;
  };
  /** The matched event itself, when the engine is configured to include it. */
  'socle.event'?: Record<string, unknown>;
  [key: string]: unknown;
}
