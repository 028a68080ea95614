/**
 * The pipeline model: what a pipeline YAML says, after parsing and validation.
 * See README.md in this folder for the YAML format and the exact semantics.
 */
import type { SearchBody } from '../sigma/model.ts';

/** The three logsource keys a pipeline can match or set; values compare case-insensitively. */
export interface LogsourceSelector {
  product?: string;
  category?: string;
  service?: string;
}

/** How events of one log source are recognised: an OR of Sigma-style selections on event fields. */
export interface LogsourceEntry {
  logsource: LogsourceSelector;
  /** OR of the selections (each an `and` body). */
  conditions: SearchBody;
  /** `file:line:column` of the entry, for messages. */
  where: string;
}

export type RuleCondition =
  | { kind: 'logsource'; logsource: LogsourceSelector }
  | { kind: 'tag'; tag: string }
  | { kind: 'rule_id'; id: string };

/** Which detection items a field transformation touches; names may use `*` as a wildcard. */
export interface FieldNameConditions {
  include?: string[];
  exclude?: string[];
}

interface TransformationCommon {
  /** Optional name, shown in `appliedTransformations`. */
  id?: string;
  ruleConditions: RuleCondition[];
  /** `all` (default): every rule condition must hold; `any`: one is enough. */
  ruleConditionsMode: 'all' | 'any';
  fieldNameConditions?: FieldNameConditions;
  where: string;
}

export type Transformation = TransformationCommon &
  (
    | { type: 'field_name_mapping'; mapping: Map<string, string[]> }
    | { type: 'field_name_prefix_mapping'; mapping: Map<string, string> }
    /** Several prefixes: the item becomes an `or` of one item per prefix. */
    | { type: 'field_name_prefix'; prefix: string[]; onlyUnmapped: boolean }
    | { type: 'field_name_suffix'; suffix: string; onlyUnmapped: boolean }
    | { type: 'drop_detection_item' }
    | { type: 'add_condition'; condition: SearchBody }
    | { type: 'change_logsource'; logsource: LogsourceSelector }
    | { type: 'value_placeholders'; names?: string[] }
  );

export type TransformationType = Transformation['type'];

export const TRANSFORMATION_TYPES: readonly TransformationType[] = [
  'field_name_mapping',
  'field_name_prefix_mapping',
  'field_name_prefix',
  'field_name_suffix',
  'drop_detection_item',
  'add_condition',
  'change_logsource',
  'value_placeholders',
];

export interface Pipeline {
  name: string;
  /** Pipelines apply in ascending priority; ties keep the order they were given in. */
  priority: number;
  placeholders: Record<string, string[]>;
  logsources: LogsourceEntry[];
  transformations: Transformation[];
  file?: string;
}
