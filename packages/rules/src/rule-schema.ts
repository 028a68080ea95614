import { CORRELATION_KINDS } from '@socle/core';
import { z } from 'zod';

/**
 * Zod schemas of the three Sigma rule kinds as Socle accepts them. Objects are loose: unknown keys are
 * reported by lint as warnings (see rule-keys.ts), not as schema errors, because Sigma allows custom keys.
 */

const stringList = z.array(z.string());
const level = z.enum(['informational', 'low', 'medium', 'high', 'critical']);
const status = z.enum(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const dateString = z
  .string()
  .regex(/^\d{4}[-/]\d{2}[-/]\d{2}$/, 'must be a date as YYYY-MM-DD');

/** Socle's extensions live under `socle:` in any rule; the engine and the correlation package read them. */
const socleExtension = z.looseObject({
  risk_score: z.number().min(0).max(100).optional(),
  /** Alert suppression (packages/core/src/correlation/README.md): fold alerts with the same group-by values. */
  suppression: z
    .strictObject({
      'group-by': z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
      duration: z.string().regex(/^\d+[smhdwMy]$/, 'must be a number and a unit, e.g. "10m", "1h"'),
      'missing-fields': z.enum(['suppress', 'doNotSuppress']).optional(),
    })
    .optional(),
  /** Correlation rules: per organisation (default) or across the member organisations of one SOC (layer 2). */
  scope: z.enum(['organization', 'soc']).optional(),
});

const common = {
  title: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
  id: z.string().optional(),
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, "_", "." or "-"').optional(),
  status: status.optional(),
  description: z.string().optional(),
  license: z.string().optional(),
  author: z.string().optional(),
  references: stringList.optional(),
  date: dateString.optional(),
  modified: dateString.optional(),
  tags: z.array(z.string().regex(/^[a-z0-9_-]+\.[a-z0-9._-]+$/i, 'tags look like "namespace.value"')).optional(),
  level: level.optional(),
  falsepositives: z.union([stringList, z.string()]).optional(),
  related: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
  taxonomy: z.string().optional(),
  socle: socleExtension.optional(),
};

const logsource = z.looseObject({
  product: z.string().optional(),
  category: z.string().optional(),
  service: z.string().optional(),
  definition: z.string().optional(),
});

const searchIdentifier = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()), z.string(), z.number()]);

const detection = z
  .looseObject({ condition: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]) })
  .catchall(searchIdentifier);

export const detectionRuleSchema = z.looseObject({
  ...common,
  logsource,
  detection,
  fields: stringList.optional(),
  scope: stringList.optional(),
});

export const filterRuleSchema = z.looseObject({
  ...common,
  logsource,
  filter: z
    .looseObject({
      rules: z.union([z.string(), stringList]),
      condition: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    })
    .catchall(searchIdentifier),
});

const comparison = {
  gt: z.number().optional(),
  gte: z.number().optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  eq: z.number().optional(),
  neq: z.number().optional(),
};

/** The Sigma correlation types, as the engine knows them. */
export const CORRELATION_TYPES = CORRELATION_KINDS;

export const correlationRuleSchema = z.looseObject({
  ...common,
  generate: z.boolean().optional(),
  correlation: z.looseObject({
    type: z.string().min(1),
    rules: z.union([z.string(), stringList.min(1, 'must name at least one rule')]),
    'group-by': z.union([z.string(), stringList]).optional(),
    timespan: z.string().regex(/^\d+[smhdwMy]$/, 'must be a number and a unit, e.g. "5m", "1h", "2d"'),
    /** A threshold mapping, or for temporal types a rule expression such as "a and not b" (absence). */
    condition: z
      .union([z.looseObject({ ...comparison, field: z.union([z.string(), stringList]).optional() }), z.string().min(1)])
      .optional(),
    aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    generate: z.boolean().optional(),
  }),
});

export type RuleKind = 'detection' | 'filter' | 'correlation';

export function ruleKindOf(value: Record<string, unknown>): RuleKind {
  if ('correlation' in value) return 'correlation';
  if ('filter' in value) return 'filter';
  return 'detection';
}

export function schemaFor(kind: RuleKind): z.ZodType {
  return kind === 'correlation' ? correlationRuleSchema : kind === 'filter' ? filterRuleSchema : detectionRuleSchema;
}
