export type { SocleEvent, FieldGetter } from './event.ts';
export { compileFieldGetter, getField } from './event.ts';
export type * from './sigma/model.ts';
export type { Alert, AlertRule, AlertCorrelation, AlertOrganization, AlertSuppression, Threat } from './alert.ts';
export { eventIdOf, eventTimeOf } from './alert-build.ts';
export {
  InvalidEventError,
  checkEventDepth,
  readEventTime,
  EVENT_TIME_MIN_MS,
  EVENT_TIME_MAX_MS,
  MAX_EVENT_DEPTH,
  type InvalidEventReason,
  type EventTimeReading,
} from './invalid-event.ts';
export { severityFromLevel, DEFAULT_LEVEL } from './severity.ts';
export { contentHash64Hex, fnv1a64Hex, deterministicId } from './hash.ts';
export { createEngine, type Engine, type EngineOptions, type StateCarryOver, type EngineStats, type EventRef, type LoadedRule, type TextSource } from './engine.ts';
export { parseSigmaYaml, parseSigmaRule } from './sigma/parse.ts';
export { parseCondition, type ConditionNode } from './sigma/condition.ts';
export { formatLoadError, SigmaRuleError, type RuleLoadError } from './sigma/errors.ts';
export { threatFromTags } from './attack.ts';
export { alertVisibleTo, DEFAULT_ORGANIZATION, organizationOf, tenancyOf, type Tenancy, type TenancyOptions, type RuleScope } from './organization.ts';
export * from './pipeline/index.ts';
export * from './correlation/index.ts';
