interface RuleIdentity {
  id?: string;
  title?: string;
  location?: { file?: string };
}

/** "'title' (id) in file" — how errors point at a rule. */
export function describeRule(rule: RuleIdentity): string {
  const where = rule.location?.file ? ` in ${rule.location.file}` : '';
  const who = rule.id ? `'${rule.title ?? ''}' (${rule.id})` : `'${rule.title ?? '(untitled)'}'`;
  return `${who}${where}`;
}

/** A correlation rule that cannot be compiled: the message names the rule and the construct that is wrong. */
export class CorrelationRuleError extends Error {
  readonly ruleId: string | undefined;
  readonly file: string | undefined;

  constructor(rule: RuleIdentity, problem: string) {
    super(`correlation rule ${describeRule(rule)}: ${problem}`);
    this.name = 'CorrelationRuleError';
    this.ruleId = rule.id;
    this.file = rule.location?.file;
  }
}

/** A rule's `socle.suppression` section that cannot be used. */
export class SuppressionConfigError extends Error {
  readonly ruleId: string | undefined;

  constructor(rule: RuleIdentity, problem: string) {
    super(`rule ${describeRule(rule)}: socle.suppression${problem}`);
    this.name = 'SuppressionConfigError';
    this.ruleId = rule.id;
  }
}
