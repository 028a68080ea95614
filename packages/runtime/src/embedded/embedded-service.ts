import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createInputs, type Input } from '@socle/collector';
import { createEngine, createLogger, type Engine, errorMessage, type Logger } from '@socle/core';
import { AlertJournal, ensurePrivateDir, JournalAlertStore, PRIVATE_FILE_MODE, startAccessApi, type RunningAccessApi } from '@socle/api';
import { CONSOLE_ASSETS_DIR } from '@socle/console';
import { boundingOriginals } from '../bounded-event.ts';
import { DetectionLoop } from '../detection-loop.ts';
import { ReloadableEngine } from '../reload/reloadable-engine.ts';
import { RuleSetReloader, type ReloadResult } from '../reload/rule-set-reloader.ts';
import { readRuleSet, type RuleSetSources } from '../reload/rule-set-sources.ts';
import { RuleSourceWatch } from '../reload/rule-source-watch.ts';
import { startTaxiiService, UpwardSharing, type RunningTaxii } from '@socle/sharing';
import { BASELINE_RULES } from '../scenario/replay-scenario.ts';
import { BusRecordSink, type RejectedRecord } from './bus-record-sink.ts';
import { InProcessBus } from './in-process-bus.ts';
import type { RunConfig } from './run-config.ts';
import { sharingPoliciesOf, writeSharingPolicy } from '../sharing-policies.ts';
import { FileDeadLetterSink } from '../dead-letters/file-dead-letter-sink.ts';
import { DeadLetterCounts, type DeadLetter } from '../dead-letters/dead-letter.ts';

/** An input as `/healthz` shows it. */
export interface InputHealth {
  name: string;
  type: string;
  status: 'running' | 'failed';
  error?: string;
}

export interface EmbeddedServiceDependencies {
  stdin?: Readable;
  /** Operational messages; defaults to text lines on stderr (`socle run: ...`). */
  logger?: Logger;
  /** Told about each record the parsers refused. */
  onRejected?: (record: RejectedRecord) => void;
}

/**
 * Socle in one process: the collector's inputs (syslog, files, HTTP, stdin) -> in-process bus -> engine -> alert journal, and the
 * alert query API. The clustered service runs the same DetectionLoop with Kafka and Elasticsearch adapters.
 */
export class EmbeddedService {
  private holder!: ReloadableEngine;
  private reloader!: RuleSetReloader;
  private sharing?: UpwardSharing;
  private taxii?: RunningTaxii;
  private watch: RuleSourceWatch | undefined;
  private journal!: AlertJournal;
  private bus!: InProcessBus;
  private sink!: BusRecordSink;
  private inputs: Input[] = [];
  private readonly inputHealth: InputHealth[] = [];
  private deadLetters?: FileDeadLetterSink;
  private readonly deadLetterCounts = new DeadLetterCounts();
  private loop!: DetectionLoop;
  private running!: Promise<unknown>;
  private api: RunningAccessApi | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly logger: Logger;
  /** What the collector's inputs and the API, which take plain messages, are handed. */
  private readonly log: (message: string) => void;

  constructor(private readonly config: RunConfig, private readonly deps: EmbeddedServiceDependencies = {}) {
    this.logger = deps.logger ?? createLogger({ format: 'text', prefix: 'socle run: ', write: (line) => process.stderr.write(line) });
    this.log = (message) => this.logger.warn(message);
  }

  get apiUrl(): string | undefined {
    return this.api?.url;
  }

  /** The TAXII server's base URL when `taxii:` is configured. */
  get taxiiUrl(): string | undefined {
    return this.taxii?.url;
  }

  /** The started input of that name (e.g. to read the port a syslog input bound). */
  input<T extends Input>(name: string): T | undefined {
    return this.inputs.find((i) => i.name === name) as T | undefined;
  }

  private get engine(): Engine {
    return this.holder.current;
  }

  get rules(): { loaded: number; rejected: Engine['rejected'] } {
    return { loaded: this.engine.loaded.length, rejected: this.engine.rejected };
  }

  /** Resolves when every input ended by itself (stdin at EOF); never for file inputs, which keep tailing. */
  get inputsEnded(): Promise<void> {
    return Promise.all(this.inputs.map((i) => i.ended ?? new Promise<void>(() => {}))).then(() => undefined);
  }

  async start(): Promise<void> {
    const c = this.config;
    const sources: RuleSetSources = { rules: c.rules.length ? c.rules : [BASELINE_RULES], pipelines: c.pipelines, placeholders: c.placeholders };
    // Alerts keep their event (raw line bounded below) so the console can show what happened.
    const build = (set: Awaited<ReturnType<typeof readRuleSet>>) => createEngine({ ...set, ...c.tenancy, includeEvent: c.alerts.includeEvent });
    this.holder = new ReloadableEngine(build(await readRuleSet(sources)));
    this.reloader = new RuleSetReloader({ sources, target: this.holder, logger: this.logger, build });
    if (this.engine.loaded.length === 0) throw new Error('no rule loaded; check the rules and pipelines of the configuration');
    await ensurePrivateDir(c.dataDir);
    await ensurePrivateDir(join(c.dataDir, 'inputs'));
    await this.restoreEngineState();
    this.journal = await AlertJournal.open(join(c.dataDir, 'alerts'), c.journal);
    for (const w of this.journal.warnings) this.log(`journal: ${w}`);
    this.bus = new InProcessBus(c.bus);
    this.sink = new BusRecordSink(this.bus, this.deps.onRejected ?? ((r) => this.log(`${r.input}: record not parsed: ${r.error}`)));
    this.deadLetters = new FileDeadLetterSink(this.deadLetterFile);
    this.loop = new DetectionLoop({
      source: this.bus,
      engine: this.holder,
      sinks: [boundingOriginals(this.journal, c.alerts.maxOriginalChars)],
      deadLetters: this.deadLetters,
      onDeadLetters: (letters: DeadLetter[]) => {
        this.deadLetterCounts.add(letters);
        for (const l of letters) if (l.stage !== 'normalise') this.log(`${l.ref}: dead-lettered (${l.stage}/${l.reason}: ${l.message.slice(0, 300)}) to ${this.deadLetterFile}`);
      },
      onSinkError: (err, attempt, delay) => this.log(`alert journal write failed (attempt ${attempt}, retry in ${delay} ms): ${errorMessage(err)}`),
    });
    this.running = this.loop.run();
    this.running.catch((err) => this.log(`detection loop stopped: ${errorMessage(err)}`));
    // The same assembly as `socle serve` (tokens, layers, audit, triage, admin routes); only the store differs.
    this.api = await startAccessApi(
      { ...c.api, audit: c.api.audit ?? join(c.dataDir, 'audit', 'access.ndjson'), triage: c.api.triage ?? join(c.dataDir, 'triage') },
      {
        store: new JournalAlertStore(this.journal),
        admin: {
          reloadRules: () => this.reloadRules('admin'),
          ...(c.sharing ? { sharingPolicies: () => sharingPoliciesOf(c.sharing!.policies), writeSharingPolicy: (org, policy, by) => writeSharingPolicy(c.sharing!.policies, org, policy, by) } : {}),
        },
        health: () => this.health(),
        logger: this.logger,
        consoleAssetsDir: CONSOLE_ASSETS_DIR,
      },
    );
    if (c.reload.watch) await this.watchRuleSources(sources);
    if (c.sharing) {
      this.sharing = await UpwardSharing.open({
        config: c.sharing,
        store: new JournalAlertStore(this.journal),
        sink: this.journal,
        logger: this.logger,
        ...(c.taxii ? { publish: (bundle, destination) => this.taxii?.server.publish(bundle, destination) } : {}),
      });
    }
    if (c.taxii) this.taxii = await startTaxiiService(c.taxii, this.sharing?.policies ?? [], this.logger);
    this.sharing?.start();
    this.inputs = createInputs(c.inputs, this.sink, { stdin: this.deps.stdin, logger: this.logger, stateDir: join(c.dataDir, 'inputs') });
    for (const [i, input] of this.inputs.entries()) {
      const spec = c.inputs[i];
      try {
        await input.start();
        this.inputHealth.push({ name: input.name, type: spec.type, status: 'running' });
      } catch (err) {
        const error = errorMessage(err);
        this.inputHealth.push({ name: input.name, type: spec.type, status: 'failed', error });
        if (!c.optionalInputs.includes(input.name)) {
          this.inputs = this.inputs.slice(0, i); // the ones started, for stop()
          throw new Error(`${error} (list the input in optionalInputs to run without it)`);
        }
        this.log(`${error}; running without this input (optionalInputs)`);
      }
    }
    if (c.watermark.idleAdvanceMs > 0) {
      this.ticker = setInterval(() => {
        this.loop.advanceWatermark(Date.now()).catch((err) => this.log(`watermark: ${errorMessage(err)}`));
      }, c.watermark.idleAdvanceMs);
      this.ticker.unref();
    }
  }

  /** Reloads the rule set now (the running one stays if the new one is broken); see RuleSetReloader. */
  reloadRules(trigger = 'admin'): Promise<ReloadResult> {
    return this.reloader.reload(trigger);
  }

  /** Rule folders and files, plus pipeline and placeholder files given as paths (shipped pipelines do not change). */
  private async watchRuleSources(sources: RuleSetSources): Promise<void> {
    const c = this.config;
    const paths = [...c.rules, ...sources.pipelines.filter((p) => /[\\/]/.test(p)), ...(c.placeholders ? [c.placeholders] : [])];
    if (paths.length === 0) return;
    this.watch = new RuleSourceWatch({
      paths,
      debounceMs: c.reload.debounceMs,
      pollIntervalMs: c.reload.pollIntervalMs,
      onChange: () => void this.reloadRules('watch'),
      onError: (m) => this.log(`rules watch: ${m}`),
    });
    await this.watch.start();
  }

  /** `/healthz` of the alert API: counts, each input, dead letters by stage/reason; `degraded` when an input failed. */
  health(): Record<string, unknown> {
    const failed = this.inputHealth.some((i) => i.status === 'failed');
    return {
      ...(failed ? { status: 'degraded' } : {}),
      events: this.loop.stats.events,
      alerts: this.journal.index.size,
      rejectedRecords: this.sink.rejected,
      droppedRecords: this.sink.dropped,
      queued: this.bus.held,
      inputs: this.inputHealth,
      deadLetters: this.deadLetterCounts.toJSON(),
      deadLetterFile: this.deadLetterFile,
    };
  }

  get deadLetterFile(): string {
    return join(this.config.dataDir, 'dead-letters.ndjson');
  }

  private get snapshotFile(): string {
    return join(this.config.dataDir, 'engine-state.json');
  }

  /**
   * Continues the correlation state saved by the last clean stop. The file is removed once read: after a crash
   * the inputs re-read from their last checkpoint, and a stale state would count those events twice.
   */
  private async restoreEngineState(): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.snapshotFile);
    } catch {
      return;
    }
    try {
      // rules edited while stopped: unchanged rules continue, changed ones start empty (as in a hot reload)
      const carried = this.engine.carryStateFrom(bytes);
      if (carried.kept.length === 0 && carried.removed.length === 0 && carried.reset.length === 0) {
        this.engine.restore(bytes); // a snapshot written before rule fingerprints existed: same rules required
      } else if (carried.reset.length || carried.removed.length) {
        this.log(`${this.snapshotFile}: rules changed since the last stop; state kept for ${carried.kept.length} rules, reset for ${carried.reset.length}, dropped for ${carried.removed.length}`);
      }
    } catch (err) {
      this.log(`${this.snapshotFile}: not restored (${errorMessage(err)}); correlation windows start empty`);
    }
    await rm(this.snapshotFile, { force: true });
  }

  private async saveEngineState(): Promise<void> {
    const tmp = `${this.snapshotFile}.tmp`;
    await writeFile(tmp, this.engine.snapshot(), { mode: PRIVATE_FILE_MODE });
    await rename(tmp, this.snapshotFile);
  }

  get stats() {
    return { ...this.loop.stats, alertsStored: this.journal.index.size, rejectedRecords: this.sink.rejected };
  }

  /**
   * Stops reading, lets the engine finish what was read, commits file positions and the correlation state
   * together, then closes the journal and the API.
   */
  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.watch?.close();
    await this.reloader?.idle();
    await Promise.all(this.inputs.map((i) => i.stop()));
    this.bus?.close();
    await this.running?.catch(() => undefined);
    await Promise.all(this.inputs.map(async (i) => i.finish?.()));
    if (this.holder && this.loop) await this.saveEngineState();
    await this.sharing?.stop();
    await this.taxii?.close();
    await this.api?.close();
    await this.journal?.close();
    await this.deadLetters?.close();
  }
}
