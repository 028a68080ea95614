/**
 * Triage of alerts: status, assignee, tags and notes. Changes are kept as an append-only trail (who, when, what);
 * the current state of an alert is the fold of its trail.
 */
export const TRIAGE_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type TriageStatus = (typeof TRIAGE_STATUSES)[number];

export const MAX_NOTE_LENGTH = 4000;
export const MAX_TAGS = 32;
const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const ASSIGNEE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** What one change does; at least one field. `assignee: null` unassigns. */
export interface TriageChange {
  status?: TriageStatus;
  assignee?: string | null;
  addTags?: string[];
  removeTags?: string[];
  note?: string;
}

/** Who made a change: the token id plus its layer and role at the time. */
export interface TriageActor {
  tokenId: string;
  layer?: number;
  role?: string;
}

export interface TriageEntry {
  alertId: string;
  at: string;
  by: TriageActor;
  change: TriageChange;
}

export interface TriageNote {
  at: string;
  by: TriageActor;
  text: string;
}

export interface TriageState {
  alertId: string;
  status: TriageStatus;
  assignee?: string;
  tags: string[];
  notes: TriageNote[];
  /** Time and author of the last change; absent for an alert nobody has triaged. */
  updatedAt?: string;
  updatedBy?: TriageActor;
}

export function untriaged(alertId: string): TriageState {
  return { alertId, status: 'open', tags: [], notes: [] };
}

/** The state after applying `entry`. */
export function applyTriage(state: TriageState, entry: TriageEntry): TriageState {
  const c = entry.change;
  let tags = state.tags;
  if (c.addTags?.length) tags = [...new Set([...tags, ...c.addTags])];
  if (c.removeTags?.length) tags = tags.filter((t) => !c.removeTags!.includes(t));
  const next: TriageState = {
    alertId: state.alertId,
    status: c.status ?? state.status,
    tags,
    notes: c.note ? [...state.notes, { at: entry.at, by: entry.by, text: c.note }] : state.notes,
    updatedAt: entry.at,
    updatedBy: entry.by,
  };
  const assignee = c.assignee === undefined ? state.assignee : c.assignee ?? undefined;
  if (assignee !== undefined) next.assignee = assignee;
  return next;
}

export function foldTriage(alertId: string, entries: readonly TriageEntry[]): TriageState {
  return entries.reduce(applyTriage, untriaged(alertId));
}

/** Checks a change sent by a client; throws naming the field at fault. Unknown fields are refused. */
export function parseTriageChange(body: unknown): TriageChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RangeError('body: expected a JSON object');
  const allowed = new Set(['status', 'assignee', 'addTags', 'removeTags', 'note']);
  for (const key of Object.keys(body)) if (!allowed.has(key)) throw new RangeError(`${key}: not a triage field (use ${[...allowed].join(', ')})`);
  const b = body as Record<string, unknown>;
  const change: TriageChange = {};
  if (b.status !== undefined) {
    if (typeof b.status !== 'string' || !(TRIAGE_STATUSES as readonly string[]).includes(b.status)) {
      throw new RangeError(`status: expected one of ${TRIAGE_STATUSES.join(', ')}`);
    }
    change.status = b.status as TriageStatus;
  }
  if (b.assignee !== undefined) {
    if (b.assignee !== null && (typeof b.assignee !== 'string' || !ASSIGNEE_PATTERN.test(b.assignee))) {
      throw new RangeError('assignee: expected a user name (letters, digits, . _ @ + -; at most 128) or null');
    }
    change.assignee = b.assignee as string | null;
  }
  for (const key of ['addTags', 'removeTags'] as const) {
    const v = b[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length > MAX_TAGS || !v.every((t) => typeof t === 'string' && TAG_PATTERN.test(t))) {
      throw new RangeError(`${key}: expected at most ${MAX_TAGS} tags of letters, digits, . _ : / - (at most 64 each)`);
    }
    if (v.length) change[key] = v as string[];
  }
  if (b.note !== undefined) {
    if (typeof b.note !== 'string' || b.note.trim() === '' || b.note.length > MAX_NOTE_LENGTH) {
      throw new RangeError(`note: expected non-empty text of at most ${MAX_NOTE_LENGTH} characters`);
    }
    change.note = b.note;
  }
  if (Object.keys(change).length === 0) throw new RangeError('body: a triage change needs at least one of status, assignee, addTags, removeTags, note');
  return change;
}
