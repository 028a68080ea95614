import { join } from 'node:path';
import { createEngine, type Alert, type RuleLoadError } from '@socle/core';
import { readPipelineSources, readYamlSources, SHIPPED_PIPELINES } from '@socle/rules';
import { AlertJournal, alertPages, type AlertSink } from '@socle/api';
import { boundingOriginals, DEFAULT_MAX_ORIGINAL_CHARS } from '../bounded-event.ts';
import { DetectionLoop } from '../detection-loop.ts';
import { InProcessBus } from '../embedded/in-process-bus.ts';
import { readScenario, type ScenarioManifest } from './scenario-manifest.ts';
import { readScenarioEvents } from './scenario-events.ts';

/** The rules of the socle-baseline starter pack. */
export const BASELINE_RULES = join(SHIPPED_PIPELINES, '..', 'packs', 'socle-baseline', 'rules');

export interface ReplayOptions {
  /** Folder with `scenario.yml` (default: the bundled scenario). */
  scenarioDir?: string;
  /** Where the alert journal is written. */
  journalDir: string;
  /** Rule files or folders (default: the socle-baseline pack). */
  rules?: string[];
  /** Pipelines by shipped name or file (default: the scenario's). */
  pipelines?: string[];
  /** Keep each detection's event, raw line cut to `maxOriginalChars` (for the console); default off. */
  includeEvent?: boolean;
  maxOriginalChars?: number;
  /**
   * For a scenario of one organisation: give alerts that name none (correlations grouped by address or user carry
   * no `organization.id`) that organisation, so token-scoped views (the console) show them.
   */
  attributeUnnamedAlerts?: boolean;
}

export interface ReplayResult {
  scenario: string;
  lines: number;
  events: number;
  /** Records the parsers refused, as `file:line: reason`. */
  rejectedRecords: string[];
  rulesLoaded: number;
  rulesRejected: RuleLoadError[];
  /** Every stored alert, oldest first. */
  alerts: Alert[];
  elapsedMs: number;
}

/**
 * The embedded pipeline on a recorded scenario: collector parsers -> in-process bus -> engine -> alert journal.
 * The same DetectionLoop runs on Kafka and Elasticsearch in the clustered service; only the adapters differ.
 */
export async function replayScenario(options: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const scenario = await readScenario(options.scenarioDir);
  const engine = createEngine({
    rules: await readYamlSources(options.rules ?? [BASELINE_RULES]),
    pipelines: await readPipelineSources(options.pipelines ?? scenario.manifest.pipelines),
    includeEvent: options.includeEvent ?? false,
  });
  const { events, rejected, lines } = await readScenarioEvents(scenario);

  const journal = await AlertJournal.open(options.journalDir);
  try {
    const bus = new InProcessBus({ capacity: 1000, batchSize: 200 });
    let sink: AlertSink = options.includeEvent ? boundingOriginals(journal, options.maxOriginalChars ?? DEFAULT_MAX_ORIGINAL_CHARS) : journal;
    const only = soleOrganization(scenario.manifest);
    if (options.attributeUnnamedAlerts && only) sink = attributing(sink, only);
    const loop = new DetectionLoop({ source: bus, engine, sinks: [sink], flushAtEnd: true }).run();
    const publish = (async () => {
      try {
        for (const e of events) await bus.publish(e);
      } finally {
        bus.close();
      }
    })();
    await Promise.all([publish, loop]);
    return {
      scenario: scenario.manifest.name,
      lines,
      events: events.length,
      rejectedRecords: rejected,
      rulesLoaded: engine.loaded.length,
      rulesRejected: engine.rejected,
      alerts: await allAlertsOldestFirst(journal),
      elapsedMs: performance.now() - started,
    };
  } finally {
    await journal.close();
  }
}

async function allAlertsOldestFirst(journal: AlertJournal): Promise<Alert[]> {
  const out: Alert[] = [];
  for await (const page of alertPages(journal.index, { size: 1000 })) out.push(...page.alerts);
  return out.reverse();
}

/** The scenario's organisation when every file belongs to it. */
export function soleOrganization(manifest: ScenarioManifest): string | undefined {
  return manifest.files.every((f) => (f.organization ?? manifest.organization) === manifest.organization) ? manifest.organization : undefined;
}

function attributing(sink: AlertSink, organization: string): AlertSink {
  return { write: (alerts) => sink.write(alerts.map((a) => (a.organization === undefined ? { ...a, organization: { id: organization } } : a))) };
}
