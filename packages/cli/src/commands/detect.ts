import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createEngine, eventTimeOf, formatLoadError, InvalidEventError, parseTimespan, type Alert, type Engine, type SocleEvent } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { readPlaceholders } from '@socle/runtime';

/** Exit codes of `socle detect`. */
export const DETECT_EXIT = { noAlerts: 0, alerts: 1, error: 2 } as const;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description(
      'Run Sigma rules (detection, correlation, filters) over NDJSON events; alerts are printed as NDJSON on stdout.\n' +
        `Exit code: ${DETECT_EXIT.noAlerts} no alert, ${DETECT_EXIT.alerts} at least one alert, ${DETECT_EXIT.error} error (bad arguments, unreadable input, no rule loaded).`,
    )
    .requiredOption('-r, --rules <path>', 'rule file or directory (repeatable)', collect)
    .option('-p, --pipeline <name|file>', 'processing pipeline: a shipped name (windows-ecs, ...) or a file (repeatable)', collect, [])
    .option('-i, --input <file>', "NDJSON events, or '-' for stdin", '-')
    .option('--placeholders <file>', 'YAML map of placeholder name to values, for |expand')
    .option('--sort', 'read all events first and correlate them in event-time order (for unsorted files)', false)
    .option('--lateness <timespan>', 'how far out of order events may arrive and still be correlated (e.g. 5m)')
    .option('--include-event', 'copy the matched event into each alert (socle.event)', false)
    .option('-q, --quiet', 'no summary on stderr', false)
    .action(async (opts: DetectOptions) => {
      process.exitCode = await detect(opts);
    });
}

interface DetectOptions {
  rules: string[];
  pipeline: string[];
  input: string;
  placeholders?: string;
  sort: boolean;
  lateness?: string;
  includeEvent: boolean;
  quiet: boolean;
}

const err = (s: string) => process.stderr.write(s + '\n');

async function detect(opts: DetectOptions): Promise<number> {
  let engine: Engine;
  try {
    let allowedLatenessMs = 0;
    if (opts.lateness !== undefined) {
      const span = parseTimespan(opts.lateness);
      if ('error' in span) throw new Error(`--lateness: ${span.error}`);
      allowedLatenessMs = span.ms;
    }
    engine = createEngine({
      rules: await readYamlSources(opts.rules),
      pipelines: await readPipelineSources(opts.pipeline),
      placeholders: opts.placeholders ? await readPlaceholders(opts.placeholders) : undefined,
      includeEvent: opts.includeEvent,
      correlation: { allowedLatenessMs },
    });
  } catch (e) {
    err(`socle detect: ${e instanceof Error ? e.message : String(e)}`);
    return DETECT_EXIT.error;
  }
  for (const r of engine.rejected) if (!opts.quiet) err(`rejected: ${formatLoadError(r)}`);
  if (engine.loaded.length === 0) {
    err('socle detect: no rule loaded');
    return DETECT_EXIT.error;
  }

  const fromStdin = opts.input === '-';
  let size = 0;
  if (!fromStdin) {
    try {
      size = (await stat(opts.input)).size;
    } catch {
      err(`socle detect: cannot read ${opts.input}`);
      return DETECT_EXIT.error;
    }
  }
  const source = fromStdin ? 'stdin' : opts.input;
  const bar =
    !fromStdin && process.stderr.isTTY && size > 1 << 20 && !opts.quiet
      ? new SingleBar({ format: 'detect [{bar}] {percentage}% | {value}/{total} bytes', stream: process.stderr })
      : undefined;
  bar?.start(size, 0);

  const output = new AlertWriter();
  const counts = { lines: 0, bad: 0 };
  const events = readEvents(fromStdin ? process.stdin : createReadStream(opts.input), source, counts, (bytes) => {
    if (bar && (counts.lines & 1023) === 0) bar.update(bytes);
  });
  // An event the engine cannot evaluate (a time out of range, nesting too deep) is reported and skipped; the
  // engine refuses it before changing any state, so the events after it are detected as if it were absent.
  const detectOne = (e: { event: SocleEvent; ref: string }): Alert[] => {
    try {
      return engine.process(e.event, { id: e.ref });
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      counts.bad++;
      err(`${e.ref}: ${error.message}; skipped`);
      return [];
    }
  };
  if (opts.sort) {
    // Event-time order (stable; events without a time keep their place at the front).
    const all: { event: SocleEvent; ref: string; time: number }[] = [];
    for await (const e of events) all.push({ ...e, time: eventTimeOf(e.event, '@timestamp') ?? -Infinity });
    all.sort((a, b) => a.time - b.time);
    for (const e of all) await output.write(detectOne(e));
  } else {
    for await (const e of events) await output.write(detectOne(e));
  }
  // End of input: windows still open (correlations, absences, suppression) are closed and reported.
  await output.write(engine.flush());
  await output.end();
  bar?.update(size);
  bar?.stop();
  if (!opts.quiet) {
    const late = Object.values(engine.stats().correlation.rules).reduce((n, r) => n + r.lateDropped, 0);
    err(
      `socle detect: ${counts.lines} lines, ${counts.lines - counts.bad} events, ${counts.bad} skipped, ${output.count} alerts` +
        `${late ? `, ${late} matches too late to correlate (try --sort or --lateness)` : ''}; ` +
        `${engine.loaded.length} rules loaded, ${engine.rejected.length} rejected`,
    );
  }
  return output.count > 0 ? DETECT_EXIT.alerts : DETECT_EXIT.noAlerts;
}

/** NDJSON lines to events; a line that is not a JSON object is reported with its number and skipped. */
async function* readEvents(
  stream: NodeJS.ReadableStream,
  source: string,
  counts: { lines: number; bad: number },
  progress: (bytes: number) => void,
): AsyncGenerator<{ event: SocleEvent; ref: string }> {
  let bytes = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    counts.lines++;
    bytes += Buffer.byteLength(text) + 1;
    progress(bytes);
    if (!text.trim()) continue;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (e) {
      counts.bad++;
      err(`${source}:${counts.lines}: not JSON (${e instanceof Error ? e.message : String(e)}); skipped`);
      continue;
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      counts.bad++;
      err(`${source}:${counts.lines}: not a JSON object; skipped`);
      continue;
    }
    yield { event: event as SocleEvent, ref: `${source}:${counts.lines}` };
  }
}

/** Alerts as NDJSON on stdout, in chunks, honouring backpressure. */
class AlertWriter {
  count = 0;
  private pending: string[] = [];

  async write(alerts: Alert[]): Promise<void> {
    for (const a of alerts) this.pending.push(JSON.stringify(a) + '\n');
    this.count += alerts.length;
    if (this.pending.length >= 256) await this.end();
  }

  async end(): Promise<void> {
    if (!this.pending.length) return;
    const chunk = this.pending.join('');
    this.pending = [];
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  }
}
