/** Log-source comparisons: for rule conditions (pySigma semantics) and for event recognition. */
import type { LogSource } from '../sigma/model.ts';
import type { LogsourceSelector } from './model.ts';

const KEYS = ['product', 'category', 'service'] as const;

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Rule condition (as in pySigma's LogsourceCondition): every key the selector gives must be present
 * in the rule's logsource with an equal value; keys the selector omits match anything.
 */
export function selectorMatchesRule(selector: LogsourceSelector, rule: LogSource): boolean {
  return KEYS.every((k) => selector[k] === undefined || (rule[k] !== undefined && same(selector[k]!, rule[k]!)));
}

/**
 * Recognition: every key the rule gives must be given by the entry with an equal value. Keys only the entry
 * gives narrow it further, so a rule on `product: windows` applies to every Windows entry, and a rule on
 * `product: windows, category: process_creation` only to entries that say both.
 */
export function entryRecognisesRule(entry: LogsourceSelector, rule: LogSource): boolean {
  return KEYS.every((k) => rule[k] === undefined || (entry[k] !== undefined && same(entry[k]!, rule[k]!)));
}

/** `product=linux category=process_creation` */
export function describeLogsource(ls: LogSource): string {
  const parts = KEYS.filter((k) => ls[k] !== undefined).map((k) => `${k}=${ls[k]}`);
  return parts.length > 0 ? parts.join(' ') : '(empty)';
}
