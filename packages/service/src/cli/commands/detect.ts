import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { createEngine, formatLoadError, type Engine } from '@socle/core';
import { readPipelineSources, readYamlSources } from '@socle/rules';
import { readPlaceholders } from '../placeholders.ts';

/** Exit codes of `socle detect`. */
export const DETECT_EXIT = { noAlerts: 0, alerts: 1, error: 2 } as const;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerDetect(program: Command): void {
  program
    .command('detect')
    .description(
      'Run Sigma rules over NDJSON events; alerts are printed as NDJSON on stdout.\n' +
        `Exit code: ${DETECT_EXIT.noAlerts} no alert, ${DETECT_EXIT.alerts} at least one alert, ${DETECT_EXIT.error} error (bad arguments, unreadable input, no rule loaded).`,
    )
    .requiredOption('-r, --rules <path>', 'rule file or directory (repeatable)', collect)
    .option('-p, --pipeline <name|file>', 'processing pipeline: a shipped name (windows-ecs, ...) or a file (repeatable)', collect, [])
    .option('-i, --input <file>', "NDJSON events, or '-' for stdin", '-')
    .option('--placeholders <file>', 'YAML map of placeholder name to values, for |expand')
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
  includeEvent: boolean;
  quiet: boolean;
}

async function detect(opts: DetectOptions): Promise<number> {
  const err = (s: string) => process.stderr.write(s + '\n');
  let engine: Engine;
  try {
    engine = createEngine({
      rules: await readYamlSources(opts.rules),
      pipelines: await readPipelineSources(opts.pipeline),
      placeholders: opts.placeholders ? await readPlaceholders(opts.placeholders) : undefined,
      includeEvent: opts.includeEvent,
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
  const stream = fromStdin ? process.stdin : createReadStream(opts.input);
  const bar = !fromStdin && process.stderr.isTTY && size > 1 << 20 && !opts.quiet ? new SingleBar({ format: 'detect [{bar}] {percentage}% | {value}/{total} bytes | {alerts} alerts', stream: process.stderr }) : undefined;
  bar?.start(size, 0, { alerts: 0 });

  let line = 0;
  let bad = 0;
  let alerts = 0;
  let bytes = 0;
  const source = fromStdin ? 'stdin' : opts.input;
  const out: string[] = [];
  const flush = async () => {
    if (!out.length) return;
    const chunk = out.join('');
    out.length = 0;
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  };
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    bytes += Buffer.byteLength(text) + 1;
    if (!text.trim()) continue;
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (e) {
      bad++;
      err(`${source}:${line}: not JSON (${e instanceof Error ? e.message : String(e)}); skipped`);
      continue;
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      bad++;
      err(`${source}:${line}: not a JSON object; skipped`);
      continue;
    }
    for (const alert of engine.process(event as Record<string, unknown>, { id: `${source}:${line}` })) {
      alerts++;
      out.push(JSON.stringify(alert) + '\n');
    }
    if (out.length >= 256) await flush();
    if (bar && (line & 1023) === 0) bar.update(bytes, { alerts });
  }
  // End of input: windows still open (correlations, absences, suppression) are closed and reported.
  for (const alert of engine.flush()) {
    alerts++;
    out.push(JSON.stringify(alert) + '\n');
  }
  await flush();
  bar?.update(size, { alerts });
  bar?.stop();
  if (!opts.quiet) {
    err(`socle detect: ${line} lines, ${line - bad} events, ${bad} skipped, ${alerts} alerts; ${engine.loaded.length} rules loaded, ${engine.rejected.length} rejected`);
  }
  return alerts > 0 ? DETECT_EXIT.alerts : DETECT_EXIT.noAlerts;
}
