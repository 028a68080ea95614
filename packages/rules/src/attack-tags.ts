import { techniqueOfTag } from '@socle/core';

/** ATT&CK technique ids (`T1110`, `T1110.001`) from a rule's `attack.tXXXX` tags, upper-cased, in tag order. */
export function ruleTechniques(rule: Record<string, unknown>): string[] {
  const tags = Array.isArray(rule.tags) ? rule.tags : [];
  const out: string[] = [];
  for (const t of tags) {
    const found = typeof t === 'string' ? techniqueOfTag(t) : undefined;
    const id = found?.subtechnique ?? found?.technique;
    if (id && !out.includes(id)) out.push(id);
  }
  return out;
}
