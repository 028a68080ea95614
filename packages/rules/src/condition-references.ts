/** What a Sigma condition string refers to, for lint: plain identifiers and `x of pattern*` patterns. */
export interface ConditionReferences {
  identifiers: string[];
  patterns: string[];
  /** The condition uses a v1 aggregation (`| count() by x > 5`), which Sigma v2 replaced by correlation rules. */
  aggregation: boolean;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any']);

export function conditionReferences(condition: string): ConditionReferences {
  const pipe = condition.indexOf('|');
  const expr = pipe >= 0 ? condition.slice(0, pipe) : condition;
  const tokens = expr.replace(/[()]/g, ' ').split(/\s+/).filter(Boolean);
  const identifiers: string[] = [];
  const patterns: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (KEYWORDS.has(t.toLowerCase()) || /^\d+$/.test(t)) continue;
    if (tokens[i - 1]?.toLowerCase() === 'of') patterns.push(t);
    else identifiers.push(t);
  }
  return { identifiers, patterns, aggregation: pipe >= 0 };
}

/** True if `pattern` (with `*` wildcards) matches `name`. */
export function identifierPatternMatches(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(name);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
