/**
 * A literal requirement as a flat program over the literals found in the current event, read by one function for
 * every rule (a closure tree per rule measured 3 % slower over all of detection: docs/benchmarks.md). The programs
 * of all rules share one store, each from its own offset, so that checking a rule reads no object of its own.
 *   literal: [LIT, id]    all / any: [ALL | ANY, end, ...children]   (`end`: where the node's program stops)
 */
import type { Literal, Requirement } from './literals.ts';

const LIT = 0;
const ALL = 1;
const ANY = 2;

/** Appends the check of `req` to `out`, the program store; returns where it starts. */
export function appendRequirementCheck(out: number[], req: Requirement, idOf: (l: Literal) => number): number {
  const start = out.length;
  const emit = (r: Requirement): void => {
    if ('lit' in r) {
      out.push(LIT, idOf(r.lit));
      return;
    }
    const at = out.length;
    out.push('all' in r ? ALL : ANY, 0);
    // Literal children first: one read each, before any nested node.
    const children = 'all' in r ? r.all : r.any;
    for (const child of children) if ('lit' in child) emit(child);
    for (const child of children) if (!('lit' in child)) emit(child);
    out[at + 1] = out.length;
  };
  emit(req);
  return start;
}

/** Whether the requirement checked from `at` in program store `p` holds (`hits[id] === epoch`: literal found). */
export function requirementHolds(p: Int32Array, at: number, hits: Int32Array, epoch: number): boolean {
  const op = p[at];
  if (op === LIT) return hits[p[at + 1]] === epoch;
  const end = p[at + 1];
  const all = op === ALL;
  for (let c = at + 2; c < end; ) {
    let holds: boolean;
    if (p[c] === LIT) {
      holds = hits[p[c + 1]] === epoch;
      c += 2;
    } else {
      holds = requirementHolds(p, c, hits, epoch);
      c = p[c + 1];
    }
    if (holds !== all) return holds;
  }
  return all;
}
