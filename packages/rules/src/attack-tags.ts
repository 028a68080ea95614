/** ATT&CK technique ids (`T1110`, `T1110.001`) from a rule's `attack.tXXXX` tags, upper-cased, in tag order. */
export function ruleTechniques(rule: Record<string, unknown>): string[] {
  const tags = Array.isArray(rule.tags) ? rule.tags : [];
  const out: string[] = [];
  for (const t of tags) {
    const m = typeof t === 'string' ? /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t) : null;
    if (m && !out.includes(m[1].toUpperCase())) out.push(m[1].toUpperCase());
  }
  return out;
}
