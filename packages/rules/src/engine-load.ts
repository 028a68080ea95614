import { createEngine } from '@socle/core';
import type { SocleEvent } from '@socle/core';
import type { TextSource } from './sources.ts';

/** The part of an alert (packages/core/src/alert.ts) that rule tests look at. */
export interface EngineAlert {
  '@timestamp': string;
  rule: { id: string; name: string };
  [key: string]: unknown;
}

/** What the rules package needs of the engine (see packages/core/src/engine-contract.md). */
export interface EngineRejection {
  file?: string;
  document?: number;
  id?: string;
  title?: string;
  construct?: string;
  reason: string;
}

export interface RulesEngine {
  loaded: unknown[];
  rejected: EngineRejection[];
  process(event: SocleEvent, ref?: { id?: string }): EngineAlert[];
  /** Optional until the engine build has correlation (see engine-contract.md). */
  advanceWatermark?(timeMs: number): EngineAlert[];
  flush?(): EngineAlert[];
}

export interface EngineInput {
  rules: TextSource[];
  pipelines?: TextSource[];
  placeholders?: Record<string, string[]>;
  includeEvent?: boolean;
}

/** Loads rules into the engine of @socle/core. */
export function createRulesEngine(input: EngineInput): RulesEngine {
  return createEngine(input) as unknown as RulesEngine;
}

/** Loads a package's rules into the engine and returns what it rejected. */
export function engineRejections(pkg: { ruleSources: TextSource[]; pipelineSources: TextSource[] }): EngineRejection[] {
  return createRulesEngine({ rules: pkg.ruleSources, pipelines: pkg.pipelineSources }).rejected;
}
