import { createEngine, type LoadedRule, type ParsedRulesCache } from '@socle/core';
import { ParsedRulesFileCache } from './parsed-rules-file-cache.ts';
import { displayPath } from './package-loader.ts';
import { readPipelineSources, readYamlSources, type TextSource } from './sources.ts';

export interface RejectedRule {
  file: string;
  id?: string;
  reason: string;
}

export interface RuleListing {
  loaded: number;
  /** Id and title of each loaded rule, as far as the engine reports them. */
  loadedRules: { id?: string; title?: string; file?: string }[];
  rejected: RejectedRule[];
}

/** Loads rule files and folders into the engine and says what loaded and why the rest did not. */
export async function listRules(rulePaths: string[], pipelinePaths: string[] = []): Promise<RuleListing> {
  const rules = await readYamlSources(rulePaths);
  const pipelines = await readPipelineSources(pipelinePaths);
  const cache = ParsedRulesFileCache.open(rules.map((r) => r.file));
  const listing = listSources(rules, pipelines, cache);
  cache.save();
  return listing;
}

export function listSources(rules: TextSource[], pipelines: TextSource[], parsedRulesCache?: ParsedRulesCache): RuleListing {
  const engine = createEngine({ rules, pipelines, parsedRulesCache });
  return {
    loaded: engine.loaded.length,
    loadedRules: engine.loaded.map((r: LoadedRule) => ({ id: r.id, title: r.title, file: r.file ? displayPath(r.file) : undefined })),
    rejected: engine.rejected.map((r) => ({
      file: r.file ? displayPath(r.file) : '(unknown file)',
      id: r.id ?? r.title,
      reason: r.construct ? `${r.construct}: ${r.reason}` : r.reason,
    })),
  };
}
