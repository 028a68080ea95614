/** Parses and validates a pipeline YAML text into a `Pipeline`; every error carries `file:line:column`. */
import type { Node } from 'yaml';
import { isMap } from 'yaml';
import type {
  FieldNameConditions,
  LogsourceEntry,
  LogsourceSelector,
  Pipeline,
  RuleCondition,
  Transformation,
  TransformationType,
} from './model.ts';
import { TRANSFORMATION_TYPES } from './model.ts';
import { readSelections } from './selection.ts';
import { YamlReader, type MapEntry } from './yaml-reader.ts';

const TOP_KEYS = ['name', 'priority', 'description', 'placeholders', 'logsources', 'transformations'] as const;
const COMMON_KEYS = ['type', 'id', 'rule_conditions', 'rule_conditions_mode', 'field_name_conditions'] as const;
const TYPE_KEYS: Record<TransformationType, readonly string[]> = {
  field_name_mapping: ['mapping'],
  field_name_prefix_mapping: ['mapping'],
  field_name_prefix: ['prefix', 'only_unmapped'],
  field_name_suffix: ['suffix', 'only_unmapped'],
  drop_detection_item: [],
  add_condition: ['conditions'],
  change_logsource: ['logsource'],
  value_placeholders: ['placeholders'],
};
const LOGSOURCE_KEYS = ['product', 'category', 'service'] as const;

export function parsePipeline(text: string, file?: string): Pipeline {
  const reader: YamlReader = new YamlReader(text, file);
  const root = reader.document.contents as Node | null;
  const entries = reader.entries(root, 'pipeline');
  reader.checkKeys(entries, TOP_KEYS, 'pipeline');
  const get = (key: string) => entries.find((e) => e.key === key);

  const nameEntry = get('name');
  if (!nameEntry) reader.fail(root, `pipeline: missing 'name'`);
  const priorityEntry = get('priority');
  const pipeline: Pipeline = {
    name: reader.string(nameEntry.value, 'name'),
    priority: priorityEntry ? reader.number(priorityEntry.value, 'priority') : 0,
    placeholders: readPlaceholders(reader, get('placeholders')),
    logsources: [],
    transformations: [],
  };
  if (file !== undefined) pipeline.file = file;

  const logsources = get('logsources');
  if (logsources) {
    pipeline.logsources = reader
      .items(logsources.value, 'logsources')
      .map((node, i) => readLogsourceEntry(reader, node, `logsource entry ${i + 1}`));
  }
  const transformations = get('transformations');
  if (transformations) {
    pipeline.transformations = reader
      .items(transformations.value, 'transformations')
      .map((node, i) => readTransformation(reader, node, `transformation ${i + 1}`));
  }
  return pipeline;
}

function readPlaceholders(reader: YamlReader, entry: MapEntry | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  if (!entry) return out;
  for (const e of reader.entries(entry.value, 'placeholders')) {
    out[e.key] = reader.strings(e.value, `placeholders: ${e.key}`);
  }
  return out;
}

function readLogsource(reader: YamlReader, node: Node | null, what: string): LogsourceSelector {
  const entries = reader.entries(node, what);
  reader.checkKeys(entries, LOGSOURCE_KEYS, what);
  if (entries.length === 0) reader.fail(node, `${what} needs at least one of ${LOGSOURCE_KEYS.join(', ')}`);
  const out: LogsourceSelector = {};
  for (const e of entries) out[e.key as keyof LogsourceSelector] = reader.string(e.value, `${what}: ${e.key}`);
  return out;
}

function readLogsourceEntry(reader: YamlReader, node: Node, what: string): LogsourceEntry {
  const entries = reader.entries(node, what);
  reader.checkKeys(entries, ['logsource', 'conditions'], what);
  const logsource = entries.find((e) => e.key === 'logsource');
  const conditions = entries.find((e) => e.key === 'conditions');
  if (!logsource) reader.fail(node, `${what}: missing 'logsource'`);
  if (!conditions) reader.fail(node, `${what}: missing 'conditions'`);
  return {
    logsource: readLogsource(reader, logsource.value, `${what}: logsource`),
    conditions: readSelections(reader, conditions.value, `${what}: conditions`),
    where: reader.where(node),
  };
}

function readTransformation(reader: YamlReader, node: Node, what: string): Transformation {
  const entries = reader.entries(node, what);
  const get = (key: string) => entries.find((e) => e.key === key);
  const typeEntry = get('type');
  if (!typeEntry) reader.fail(node, `${what}: missing 'type' (expected one of ${TRANSFORMATION_TYPES.join(', ')})`);
  const type = reader.string(typeEntry.value, `${what}: type`) as TransformationType;
  if (!TRANSFORMATION_TYPES.includes(type)) {
    reader.fail(typeEntry.value, `${what}: unknown type '${type}' (expected one of ${TRANSFORMATION_TYPES.join(', ')})`);
  }
  reader.checkKeys(entries, [...COMMON_KEYS, ...TYPE_KEYS[type]], `${what} (${type})`);
  const label = `${what} (${type})`;
  const required = (key: string): MapEntry => {
    const e = get(key);
    if (!e) reader.fail(node, `${label}: missing '${key}'`);
    return e;
  };

  const common = {
    ruleConditions: readRuleConditions(reader, get('rule_conditions'), label),
    ruleConditionsMode: readMode(reader, get('rule_conditions_mode'), label),
    where: reader.where(node),
  };
  const id = get('id');
  const fieldNameConditions = get('field_name_conditions');
  const extra: { id?: string; fieldNameConditions?: FieldNameConditions } = {};
  if (id) extra.id = reader.string(id.value, `${label}: id`);
  if (fieldNameConditions) extra.fieldNameConditions = readFieldNameConditions(reader, fieldNameConditions.value, label);

  const onlyUnmapped = (fallback: boolean) => {
    const e = get('only_unmapped');
    return e ? reader.boolean(e.value, `${label}: only_unmapped`) : fallback;
  };

  switch (type) {
    case 'field_name_mapping': {
      const mapping = new Map<string, string[]>();
      const m = required('mapping');
      const pairs = reader.entries(m.value, `${label}: mapping`);
      if (pairs.length === 0) reader.fail(m.value, `${label}: mapping must not be empty`);
      for (const e of pairs) {
        const targets = reader.strings(e.value, `${label}: mapping: ${e.key}`);
        if (targets.length === 0) reader.fail(e.value, `${label}: mapping: ${e.key} has no target field`);
        mapping.set(e.key, targets);
      }
      return { type, mapping, ...common, ...extra };
    }
    case 'field_name_prefix_mapping': {
      const mapping = new Map<string, string>();
      const m = required('mapping');
      const pairs = reader.entries(m.value, `${label}: mapping`);
      if (pairs.length === 0) reader.fail(m.value, `${label}: mapping must not be empty`);
      for (const e of pairs) mapping.set(e.key, reader.string(e.value, `${label}: mapping: ${e.key}`));
      return { type, mapping, ...common, ...extra };
    }
    case 'field_name_prefix': {
      const p = required('prefix');
      const prefix = reader.strings(p.value, `${label}: prefix`);
      if (prefix.length === 0) reader.fail(p.value, `${label}: prefix must not be an empty list`);
      return { type, prefix, onlyUnmapped: onlyUnmapped(true), ...common, ...extra };
    }
    case 'field_name_suffix':
      return { type, suffix: reader.string(required('suffix').value, `${label}: suffix`), onlyUnmapped: onlyUnmapped(false), ...common, ...extra };
    case 'drop_detection_item':
      if (!extra.fieldNameConditions) {
        reader.fail(node, `${label}: needs 'field_name_conditions' (otherwise it would drop every item)`);
      }
      return { type, ...common, ...extra };
    case 'add_condition':
      return { type, condition: readSelections(reader, required('conditions').value, `${label}: conditions`), ...common, ...extra };
    case 'change_logsource':
      return { type, logsource: readLogsource(reader, required('logsource').value, `${label}: logsource`), ...common, ...extra };
    case 'value_placeholders': {
      const names = get('placeholders');
      return names
        ? { type, names: reader.strings(names.value, `${label}: placeholders`), ...common, ...extra }
        : { type, ...common, ...extra };
    }
  }
}

function readMode(reader: YamlReader, entry: MapEntry | undefined, label: string): 'all' | 'any' {
  if (!entry) return 'all';
  const mode = reader.string(entry.value, `${label}: rule_conditions_mode`);
  if (mode !== 'all' && mode !== 'any') reader.fail(entry.value, `${label}: rule_conditions_mode must be 'all' or 'any', got '${mode}'`);
  return mode;
}

function readRuleConditions(reader: YamlReader, entry: MapEntry | undefined, label: string): RuleCondition[] {
  if (!entry) return [];
  return reader.items(entry.value, `${label}: rule_conditions`).map((node, i) => {
    const what = `${label}: rule condition ${i + 1}`;
    const entries = reader.entries(node, what);
    reader.checkKeys(entries, ['logsource', 'tag', 'rule_id'], what);
    if (entries.length !== 1) reader.fail(node, `${what} must have exactly one of logsource, tag, rule_id`);
    const e = entries[0]!;
    if (e.key === 'logsource') return { kind: 'logsource', logsource: readLogsource(reader, e.value, `${what}: logsource`) };
    if (e.key === 'tag') return { kind: 'tag', tag: reader.string(e.value, `${what}: tag`) };
    return { kind: 'rule_id', id: reader.string(e.value, `${what}: rule_id`) };
  });
}

function readFieldNameConditions(reader: YamlReader, node: Node | null, label: string): FieldNameConditions {
  const what = `${label}: field_name_conditions`;
  if (!isMap(node)) reader.fail(node, `${what} must be a map with 'include' and/or 'exclude'`);
  const entries = reader.entries(node, what);
  reader.checkKeys(entries, ['include', 'exclude'], what);
  if (entries.length === 0) reader.fail(node, `${what} needs 'include' and/or 'exclude'`);
  const out: FieldNameConditions = {};
  for (const e of entries) out[e.key as 'include' | 'exclude'] = reader.strings(e.value, `${what}: ${e.key}`);
  return out;
}
