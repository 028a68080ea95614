import type { EngineOptions } from '@socle/core';
import { ParsedRulesFileCache, readPipelineSources, readYamlSources } from '@socle/rules';
import { readPlaceholders } from './placeholders.ts';

/** Where a rule set comes from: rule files or folders, pipeline names or files, a placeholders file. */
export interface RuleSetSources {
  rules: string[];
  pipelines: string[];
  placeholders?: string;
}

/**
 * Reads every text of the rule set, so an engine can be built from it; with the set's parsed-rules cache, so a
 * reload or a restart parses only the rule files that changed (saved once the engine load is over).
 */
export async function readRuleSet(sources: RuleSetSources): Promise<Pick<EngineOptions, 'rules' | 'pipelines' | 'placeholders' | 'parsedRulesCache'>> {
  const rules = await readYamlSources(sources.rules);
  return {
    rules,
    pipelines: await readPipelineSources(sources.pipelines),
    placeholders: sources.placeholders ? await readPlaceholders(sources.placeholders) : undefined,
    parsedRulesCache: ParsedRulesFileCache.open(rules.map((r) => r.file), undefined, { saveAfterLoad: true }),
  };
}
