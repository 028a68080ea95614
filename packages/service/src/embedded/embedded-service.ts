import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileTailInput, StdinInput, type Input } from '@socle/collector';
import { createEngine, type Engine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { AlertJournal } from '../alerts/alert-journal.ts';
import { JournalAlertStore } from '../alerts/journal-alert-store.ts';
import { startAlertApi, type RunningAlertApi } from '../api/alert-api.ts';
import { readPlaceholders } from '../cli/placeholders.ts';
import { DetectionLoop } from '../detection-loop.ts';
import { BASELINE_RULES } from '../scenario/replay-scenario.ts';
import { BusRecordSink, type RejectedRecord } from './bus-record-sink.ts';
import { InProcessBus } from './in-process-bus.ts';
import { parseListen, type RunConfig } from './run-config.ts';

export interface EmbeddedServiceDependencies {
  stdin?: Readable;
  /** Operational messages; defaults to stderr. */
  log?: (message: string) => void;
  /** Told about each record the parsers refused. */
  onRejected?: (record: RejectedRecord) => void;
}

/**
 * Socle in one process: collector inputs (file, stdin) -> in-process bus -> engine -> alert journal, and the
 * alert query API. The clustered service runs the same DetectionLoop with Kafka and Elasticsearch adapters.
 */
export class EmbeddedService {
  private engine!: Engine;
  private journal!: AlertJournal;
  private bus!: InProcessBus;
  private sink!: BusRecordSink;
  private inputs: Input[] = [];
  private loop!: DetectionLoop;
  private running!: Promise<unknown>;
  private api: RunningAlertApi | undefined;
  private readonly log: (message: string) => void;

  constructor(private readonly config: RunConfig, private readonly deps: EmbeddedServiceDependencies = {}) {
    this.log = deps.log ?? ((m) => process.stderr.write(`socle run: ${m}\n`));
  }

  get apiUrl(): string | undefined {
    return this.api?.url;
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
    this.engine = createEngine({
      rules: await readYamlSources(c.rules.length ? c.rules : [BASELINE_RULES]),
      pipelines: await readPipelineSources(c.pipelines),
      placeholders: c.placeholders ? await readPlaceholders(c.placeholders) : undefined,
    });
    if (this.engine.loaded.length === 0) throw new Error('no rule loaded; check the rules and pipelines of the configuration');
    await mkdir(join(c.dataDir, 'inputs'), { recursive: true });
    this.journal = await AlertJournal.open(join(c.dataDir, 'alerts'), c.journal);
    for (const w of this.journal.warnings) this.log(`journal: ${w}`);
    this.bus = new InProcessBus(c.bus);
    this.sink = new BusRecordSink(this.bus, this.deps.onRejected ?? ((r) => this.log(`${r.input}: record not parsed: ${r.error}`)));
    this.loop = new DetectionLoop({
      source: this.bus,
      engine: this.engine,
      sinks: [this.journal],
      onSinkError: (err, attempt, delay) => this.log(`alert journal write failed (attempt ${attempt}, retry in ${delay} ms): ${(err as Error).message}`),
    });
    this.running = this.loop.run();
    this.running.catch((err) => this.log(`detection loop stopped: ${(err as Error).message}`));
    const { host, port } = parseListen(c.api.listen);
    this.api = await startAlertApi(
      {
        store: new JournalAlertStore(this.journal),
        health: () => ({ events: this.loop.stats.events, alerts: this.journal.index.size, rejectedRecords: this.sink.rejected, queued: this.bus.held }),
      },
      host,
      port,
    );
    this.inputs = c.inputs.map((input, i) => {
      const name = input.name ?? `${input.type}-${i + 1}`;
      if (input.type === 'file') {
        return new FileTailInput({ ...input, name, stateFile: join(c.dataDir, 'inputs', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`) }, this.sink, this.log);
      }
      return new StdinInput({ ...input, name }, this.sink, this.deps.stdin);
    });
    for (const input of this.inputs) await input.start();
  }

  get stats() {
    return { ...this.loop.stats, alertsStored: this.journal.index.size, rejectedRecords: this.sink.rejected };
  }

  /** Stops reading, lets the engine finish what was read, commits file positions, closes the journal and the API. */
  async stop(): Promise<void> {
    await Promise.all(this.inputs.map((i) => i.stop()));
    this.bus?.close();
    await this.running?.catch(() => undefined);
    await Promise.all(this.inputs.map((i) => i.finish?.()));
    await this.api?.close();
    await this.journal?.close();
  }
}
