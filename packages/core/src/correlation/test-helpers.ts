/** Builders shared by the correlation tests (not exported from the package). */
import type { Alert } from '../alert.ts';
import type { SigmaCorrelationRule } from '../sigma/model.ts';
import { compileCorrelationRule, type CompiledCorrelation } from './compile.ts';
import { CorrelationEngine, type CorrelationEngineOptions } from './engine.ts';

export function correlationRule(
  meta: { id?: string; name?: string; title?: string; level?: string; custom?: Record<string, unknown> },
  correlation: Record<string, unknown>,
): SigmaCorrelationRule {
  return {
    type: 'correlation',
    title: meta.title ?? meta.name ?? meta.id ?? 'test correlation',
    ...(meta.id !== undefined ? { id: meta.id } : {}),
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    ...(meta.level !== undefined ? { level: meta.level } : {}),
    references: [],
    tags: [],
    falsepositives: [],
    fields: [],
    related: [],
    custom: meta.custom ?? {},
    location: {},
    correlation,
  };
}

/** Compiles rules that may reference base rules (given by id and name) and each other. */
export function compileAll(rules: SigmaCorrelationRule[], baseRules: Array<{ id: string; name?: string }> = []): CompiledCorrelation[] {
  const known = [...baseRules, ...rules.map((r) => ({ id: r.id ?? r.name ?? r.title, name: r.name }))];
  const lookup = (ref: string): { id: string } | undefined => known.find((k) => k.id === ref || k.name === ref);
  return rules.map((r) => compileCorrelationRule(r, lookup));
}

/** Nested objects and flat dotted keys, like the engine's field access. */
export function getField(event: Record<string, unknown>, name: string): unknown {
  if (name in event) return event[name];
  let cur: unknown = event;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export interface TestMatch {
  rule: string;
  time: number;
  id: string;
  fields?: Record<string, unknown>;
}

/** A small driver: feeds matches and collects every alert. */
export class Harness {
  readonly engine: CorrelationEngine;
  readonly alerts: Alert[] = [];

  constructor(
    readonly correlations: CompiledCorrelation[],
    options: CorrelationEngineOptions = {},
  ) {
    this.engine = new CorrelationEngine(correlations, options);
  }

  match(rule: string, time: number, id: string, fields: Record<string, unknown> = {}): Alert[] {
    const org = getField(fields, 'organization.id');
    const organization = typeof org === 'string' ? org : undefined;
    const out = this.engine.onMatch({ ruleId: rule, event: fields, eventId: id, time, organization, getField });
    this.alerts.push(...out);
    return out;
  }

  feed(matches: TestMatch[]): Alert[] {
    return matches.flatMap((m) => this.match(m.rule, m.time, m.id, m.fields));
  }

  advance(time: number): Alert[] {
    const out = this.engine.advanceWatermark(time);
    this.alerts.push(...out);
    return out;
  }

  flush(): Alert[] {
    const out = this.engine.flush();
    this.alerts.push(...out);
    return out;
  }
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
/** 2026-01-01T00:00:00Z, so ISO strings in assertions read easily. */
export const T0 = Date.UTC(2026, 0, 1);
export const at = (offsetMs: number): number => T0 + offsetMs;
export const iso = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();
