export type {
  AlertCount,
  AlertCountKey,
  AlertPage,
  AlertQuery,
  AlertSink,
  AlertStore,
  EventRef,
  EventSource,
  SeverityLevel,
  SourcedEvent,
} from './ports.ts';
export { SEVERITY_LEVELS } from './ports.ts';
export { DetectionLoop, type DetectionEngine, type DetectionLoopOptions, type DetectionLoopStats, type RetryPolicy } from './detection-loop.ts';
export { InProcessBus, type BusItem, type InProcessBusOptions } from './embedded/in-process-bus.ts';
export { BusRecordSink } from './embedded/bus-record-sink.ts';
export { EmbeddedService } from './embedded/embedded-service.ts';
export { loadRunConfig, runConfigSchema, type RunConfig } from './embedded/run-config.ts';
export { AlertJournal, type AlertJournalOptions } from './alerts/alert-journal.ts';
export { AlertIndex } from './alerts/alert-index.ts';
export { JournalAlertStore } from './alerts/journal-alert-store.ts';
export { alertQueryFromParams, type AlertQueryParams } from './alerts/alert-query-params.ts';
export { createAlertApi, startAlertApi, type AlertApiOptions, type RunningAlertApi } from './api/alert-api.ts';
export { replayScenario, BASELINE_RULES, type ReplayOptions, type ReplayResult } from './scenario/replay-scenario.ts';
export { readScenario, BUNDLED_SCENARIO, type Scenario, type ScenarioManifest } from './scenario/scenario-manifest.ts';
