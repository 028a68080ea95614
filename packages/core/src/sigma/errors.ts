/** Why a rule could not be loaded: names the file, the rule and the construct, as rule authors need to fix it. */
export interface RuleLoadError {
  file?: string;
  /** 0-based YAML document index inside the file. */
  document?: number;
  id?: string;
  title?: string;
  /** The part of the rule that is at fault, e.g. `detection.selection.CommandLine|re`. */
  construct?: string;
  reason: string;
}

/** Thrown while parsing or compiling one rule; the loader turns it into a `RuleLoadError`. */
export class SigmaRuleError extends Error {
  constructor(
    readonly construct: string,
    message: string,
  ) {
    super(message);
    this.name = 'SigmaRuleError';
  }
}

export function formatLoadError(e: RuleLoadError): string {
  const where = [e.file, e.document !== undefined ? `document ${e.document + 1}` : undefined].filter(Boolean).join(' ');
  const who = e.id ?? e.title;
  return `${where ? where + ': ' : ''}${who ? `rule ${who}: ` : ''}${e.construct ? e.construct + ': ' : ''}${e.reason}`;
}
