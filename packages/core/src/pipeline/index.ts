export { parsePipeline } from './parse.ts';
export { PipelineError } from './yaml-reader.ts';
export { applyPipelines, mapFieldName, mergePlaceholders, orderPipelines, type ApplyResult } from './apply.ts';
export { entryRecognisesRule, selectorMatchesRule, describeLogsource } from './logsource.ts';
export type {
  FieldNameConditions,
  LogsourceEntry,
  LogsourceSelector,
  Pipeline,
  RuleCondition,
  Transformation,
  TransformationType,
} from './model.ts';
