export { compileCorrelationRule, CORRELATION_KINDS } from './compile.ts';
export type { CompiledCorrelation, CorrelationKind, WindowMode } from './compile.ts';
export { CorrelationEngine } from './engine.ts';
export type {
  CorrelationEngineOptions,
  CorrelationMatch,
  CorrelationRuleStats,
  CorrelationStats,
  LateMatch,
} from './engine.ts';
export { AlertSuppressor, parseSuppressionConfig } from './suppression.ts';
export type { SuppressionConfig, SuppressionStats } from './suppression.ts';
export { CorrelationRuleError, SuppressionConfigError } from './errors.ts';
export { parseTimespan } from './timespan.ts';
