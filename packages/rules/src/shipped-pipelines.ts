/**
 * The pipelines shipped with Socle as data (`@socle/rules/pipelines`): what `socle detect --pipeline windows-ecs`
 * loads, for an embedder of `@socle/core` without copying YAML files. No file access, so a browser bundle can use it.
 */
import { SHIPPED_PIPELINE_TEXTS } from './shipped-pipeline-texts.ts';

/** A shipped pipeline in the form `createEngine({ pipelines })` takes. */
export interface ShippedPipeline {
  text: string;
  /** Where the text comes from, for load errors: `@socle/rules/pipelines/<name>.yml`. */
  file: string;
}

/** The names of the shipped pipelines (`windows-ecs`, `linux-ecs`, ...), sorted. */
export const shippedPipelineNames: readonly string[] = Object.keys(SHIPPED_PIPELINE_TEXTS);

/** One shipped pipeline by name; an unknown name throws, listing the shipped ones. */
export function shippedPipeline(name: string): ShippedPipeline {
  const text = Object.hasOwn(SHIPPED_PIPELINE_TEXTS, name) ? SHIPPED_PIPELINE_TEXTS[name] : undefined;
  if (text === undefined) {
    throw new Error(`pipeline '${name}': not a shipped pipeline (shipped: ${shippedPipelineNames.join(', ')})`);
  }
  return { text, file: `@socle/rules/pipelines/${name}.yml` };
}

/** Shipped pipelines by name, in the order given. */
export function shippedPipelines(names: readonly string[]): ShippedPipeline[] {
  return names.map(shippedPipeline);
}
