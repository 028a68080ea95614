/**
 * The saved form of the correlation engine's state (`socle.correlation/3`): the same data as the running
 * state, with field names that say what each one is. The running state keeps one-letter fields (millions of
 * groups, each allocated on the per-event path); only snapshots pay for the names.
 */
import type { BufferedMatch, EngineState, Extracted, GroupState, WindowTimer } from './engine.ts';

export const SNAPSHOT_FORMAT = 'socle.correlation/3';
/** Organisations, one-letter fields (the running state as is). */
export const SNAPSHOT_FORMAT_V2 = 'socle.correlation/2';
/** Before organisations: group keys without an owner, matches without an organisation. */
export const SNAPSHOT_FORMAT_V1 = 'socle.correlation/1';

/** A match waiting in the reorder buffer. `groups`: one per correlation it feeds, by index in `rules`. */
interface SavedMatch {
  time: number;
  eventId: string;
  ruleId: string;
  seq: number;
  organization: string;
  groups: Array<{ ruleIndex: number; key: string; value: string | number | null }>;
}

/** A window end: a closing window to judge, or an absence to confirm. */
interface SavedTimer {
  deadline: number;
  ruleIndex: number;
  key: string;
  seq: number;
}

/** Running field -> saved field, for window groups (event_count, value_*) and sequence groups (temporal*). */
const GROUP_FIELDS = [
  ['t', 'times'],
  ['id', 'eventIds'],
  ['v', 'values'],
  ['o', 'organizations'],
  ['s', 'windowStart'],
  ['l', 'lastMatch'],
  ['n', 'negatedTimes'],
  ['p', 'pendingAbsence'],
] as const;

/** Of an absence whose pattern happened, waiting for its window to end. */
const PENDING_ABSENCE_FIELDS = [
  ['s', 'windowStart'],
  ['ids', 'eventIds'],
  ['total', 'total'],
  ['o', 'organizations'],
] as const;

type Fields = ReadonlyArray<readonly [string, string]>;

/** Copies the fields listed, renamed from column `from` to the other one; others (derived state) are left out. */
function renamed(source: Record<string, unknown>, fields: Fields, from: 0 | 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of fields) {
    const value = source[pair[from]];
    if (value !== undefined) out[pair[1 - from]!] = value;
  }
  return out;
}

function savedGroup(g: GroupState): Record<string, unknown> {
  const saved = renamed(g as unknown as Record<string, unknown>, GROUP_FIELDS, 0);
  if (saved['pendingAbsence']) saved['pendingAbsence'] = renamed(saved['pendingAbsence'] as Record<string, unknown>, PENDING_ABSENCE_FIELDS, 0);
  return saved;
}

function runningGroup(saved: Record<string, unknown>): GroupState {
  const g = renamed(saved, GROUP_FIELDS, 1);
  if (g['p']) g['p'] = renamed(g['p'] as Record<string, unknown>, PENDING_ABSENCE_FIELDS, 1);
  return g as unknown as GroupState;
}

/** The running state in the saved form. */
export function toSnapshot(state: EngineState): unknown {
  return {
    format: SNAPSHOT_FORMAT,
    watermark: state.watermark,
    maxSeen: state.maxSeen,
    seq: state.seq,
    buffer: state.buffer.map(
      (m): SavedMatch => ({
        time: m.t,
        eventId: m.e,
        ruleId: m.r,
        seq: m.q,
        organization: m.o,
        groups: m.x.map(([ruleIndex, key, value]) => ({ ruleIndex, key, value })),
      }),
    ),
    timers: state.timers.map((t): SavedTimer => ({ deadline: t.d, ruleIndex: t.c, key: t.k, seq: t.q })),
    rules: state.rules.map((r) => ({ id: r.id, counters: r.counters, groups: r.groups.map(([key, g]) => [key, savedGroup(g)]) })),
  };
}

/** A `socle.correlation/3` snapshot back in the running form (a `/2` one already is). */
export function fromSnapshot(saved: Omit<EngineState, 'buffer' | 'timers' | 'rules'> & {
  buffer: SavedMatch[];
  timers: SavedTimer[];
  rules: Array<{ id: string; counters: EngineState['rules'][number]['counters']; groups: Array<[string, Record<string, unknown>]> }>;
}): EngineState {
  return {
    watermark: saved.watermark,
    maxSeen: saved.maxSeen,
    seq: saved.seq,
    buffer: saved.buffer.map(
      (m): BufferedMatch => ({
        t: m.time,
        e: m.eventId,
        r: m.ruleId,
        q: m.seq,
        o: m.organization,
        x: m.groups.map((x): Extracted => [x.ruleIndex, x.key, x.value]),
      }),
    ),
    timers: saved.timers.map((t): WindowTimer => ({ d: t.deadline, c: t.ruleIndex, k: t.key, q: t.seq })),
    rules: saved.rules.map((r) => ({ id: r.id, counters: r.counters, groups: r.groups.map(([key, g]) => [key, runningGroup(g)]) })),
  };
}
