import type { CompiledCorrelation } from './compile.ts';
import type { Contributors } from '../organization.ts';
import { evaluateRuleExpression } from './rule-expression.ts';
import { thresholdHolds } from './threshold.ts';

/** How a temporal / temporal_ordered correlation sees its referenced rules. */
export interface SequencePlan {
  ordered: boolean;
  /** Rule ids that make up the pattern, in order (ordered: may repeat). */
  steps: string[];
  /** Distinct step rule id -> slot. */
  slotOf: Map<string, number>;
  /** Negated rule id -> index in `n` (absence only). */
  negatedSlotOf: Map<string, number>;
}

export function sequencePlan(corr: CompiledCorrelation): SequencePlan {
  const ordered = corr.type === 'temporal_ordered';
  const positive = corr.absence ? corr.absence.positive : corr.ruleIds;
  const steps = ordered ? positive : [...new Set(positive)];
  const slotOf = new Map<string, number>();
  for (const id of steps) if (!slotOf.has(id)) slotOf.set(id, slotOf.size);
  const negatedSlotOf = new Map<string, number>();
  for (const id of corr.absence?.negated ?? []) negatedSlotOf.set(id, negatedSlotOf.size);
  return { ordered, steps, slotOf, negatedSlotOf };
}

/** "The positive pattern happened, now waiting for the window to end without a negated rule." */
export interface PendingAbsence {
  /** Window start (first event of the pattern); the window ends at s + timespan. */
  s: number;
  ids: string[];
  total: number;
  /** SOC-wide rules: the sorted organisations behind the pattern's events. */
  o?: string[];
}

/**
 * One group of a temporal correlation. Unordered: per slot the latest match (time, event id) — enough to
 * know whether every rule matched in the last timespan. Ordered: per slot every match still in the window.
 */
export interface SequenceGroup {
  /** unordered: latest time per slot or null; ordered: the times per slot. */
  t: Array<number | null> | number[][];
  id: Array<string | null> | string[][];
  /** SOC-wide rules: who contributed each match, parallel to `id`. */
  o?: Array<Contributors | null> | Contributors[][];
  /** Last time the group saw a match. */
  l: number;
  /** absence: latest time of each negated rule, or null. */
  n?: Array<number | null>;
  p?: PendingAbsence;
}

/** `tracked`: the rule is SOC-wide, so the group remembers who contributed each match. */
export function newSequenceGroup(plan: SequencePlan, now: number, tracked = false): SequenceGroup {
  const slots = plan.slotOf.size;
  const g: SequenceGroup = plan.ordered
    ? { t: Array.from({ length: slots }, () => []), id: Array.from({ length: slots }, () => []), l: now }
    : { t: new Array(slots).fill(null), id: new Array(slots).fill(null), l: now };
  if (tracked) g.o = plan.ordered ? Array.from({ length: slots }, () => []) : new Array(slots).fill(null);
  if (plan.negatedSlotOf.size > 0) g.n = new Array(plan.negatedSlotOf.size).fill(null);
  return g;
}

export function recordStep(g: SequenceGroup, plan: SequencePlan, ruleId: string, time: number, eventId: string, from?: Contributors): void {
  const slot = plan.slotOf.get(ruleId)!;
  g.l = time;
  if (plan.ordered) {
    (g.t as number[][])[slot]!.push(time);
    (g.id as string[][])[slot]!.push(eventId);
    if (g.o) (g.o as Contributors[][])[slot]!.push(from!);
  } else {
    (g.t as Array<number | null>)[slot] = time;
    (g.id as Array<string | null>)[slot] = eventId;
    if (g.o) (g.o as Array<Contributors | null>)[slot] = from!;
  }
}

export function clearSteps(g: SequenceGroup, plan: SequencePlan): void {
  const fresh = newSequenceGroup(plan, g.l, g.o !== undefined);
  g.t = fresh.t;
  g.id = fresh.id;
  if (g.o) g.o = fresh.o;
}

export interface Completion {
  start: number;
  /** Member event ids in pattern order. */
  ids: string[];
  /** How many rules of the pattern matched. */
  value: number;
  /** SOC-wide rules: who contributed each member, in the order of `ids`. */
  from?: Contributors[];
}

/** Whether the pattern is complete within [now - timespan, now]; ordered lists are pruned to that window. */
export function findCompletion(
  g: SequenceGroup,
  plan: SequencePlan,
  corr: CompiledCorrelation,
  now: number,
): Completion | undefined {
  const from = now - corr.timespanMs;
  return plan.ordered ? findOrderedChain(g, plan, from) : findUnordered(g, plan, corr, from);
}

function findUnordered(g: SequenceGroup, plan: SequencePlan, corr: CompiledCorrelation, from: number): Completion | undefined {
  const times = g.t as Array<number | null>;
  const ids = g.id as Array<string | null>;
  const present: number[] = [];
  for (let i = 0; i < times.length; i++) if (times[i] !== null && times[i]! >= from) present.push(i);
  const holds = corr.expression
    ? evaluateRuleExpression(corr.expression, (id) => present.includes(plan.slotOf.get(id) ?? -1))
    : thresholdHolds(corr.threshold, present.length);
  if (!holds || present.length === 0) return undefined;
  present.sort((a, b) => times[a]! - times[b]! || a - b);
  const done: Completion = { start: times[present[0]!]!, ids: present.map((i) => ids[i]!), value: present.length };
  if (g.o) done.from = present.map((i) => (g.o as Array<Contributors | null>)[i]!);
  return done;
}

/**
 * An ordered chain: one match per step, times non-decreasing (equal times count as in order, whatever the
 * arrival order), first to last within the timespan. Tries the latest possible first step first and picks
 * the earliest match for each next step, which finds a chain whenever one exists.
 */
function findOrderedChain(g: SequenceGroup, plan: SequencePlan, from: number): Completion | undefined {
  const times = g.t as number[][];
  const ids = g.id as string[][];
  const orgs = g.o as Contributors[][] | undefined;
  for (let s = 0; s < times.length; s++) {
    let n = 0;
    while (n < times[s]!.length && times[s]![n]! < from) n++;
    if (n > 0) {
      times[s]!.splice(0, n);
      ids[s]!.splice(0, n);
      orgs?.[s]!.splice(0, n);
    }
  }
  const firstSlot = plan.slotOf.get(plan.steps[0]!)!;
  const starts = times[firstSlot]!;
  for (let a = starts.length - 1; a >= 0; a--) {
    const used = new Array<number>(times.length).fill(-1);
    used[firstSlot] = a;
    const chain: string[] = [ids[firstSlot]![a]!];
    const chainFrom: Contributors[] | undefined = orgs ? [orgs[firstSlot]![a]!] : undefined;
    let prev = starts[a]!;
    let ok = true;
    for (let k = 1; k < plan.steps.length && ok; k++) {
      const slot = plan.slotOf.get(plan.steps[k]!)!;
      const list = times[slot]!;
      let j = used[slot]! + 1;
      while (j < list.length && list[j]! < prev) j++;
      if (j >= list.length) ok = false;
      else {
        used[slot] = j;
        prev = list[j]!;
        chain.push(ids[slot]![j]!);
        chainFrom?.push(orgs![slot]![j]!);
      }
    }
    if (ok) return chainFrom ? { start: starts[a]!, ids: chain, value: plan.steps.length, from: chainFrom } : { start: starts[a]!, ids: chain, value: plan.steps.length };
  }
  return undefined;
}
