import type { EngineOptions } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { readPlaceholders } from './placeholders.ts';

/** Where a rule set comes from: rule files or folders, pipeline names or files, a placeholders file. */
export interface RuleSetSources {
  rules: string[];
  pipelines: string[];
  placeholders?: string;
}

/** Reads every text of the rule set, so an engine can be built from it. */
export async function readRuleSet(sources: RuleSetSources): Promise<Pick<EngineOptions, 'rules' | 'pipelines' | 'placeholders'>> {
  return {
    rules: await readYamlSources(sources.rules),
    pipelines: await readPipelineSources(sources.pipelines),
    placeholders: sources.placeholders ? await readPlaceholders(sources.placeholders) : undefined,
  };
}
