import type { Command } from 'commander';
import { loadServiceConfig, replayFileDeadLetters, replayServiceDeadLetters, type DeadLetterFilter, type ReplaySummary } from '@socle/runtime';

interface ReplayOptions {
  config?: string;
  file?: string;
  stage?: string;
  reason?: string;
  to?: string;
  dryRun?: boolean;
}

const list = (text?: string): string[] | undefined => text?.split(',').map((s) => s.trim()).filter(Boolean);

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('Dead letters: records a stage could not handle (docs/operations.md)');
  dlq
    .command('replay')
    .description(
      'Replay dead letters once their cause is fixed. With --config (socle serve): produce the dead-letter topic\'s ' +
        'records back to their source topic (same key and bytes), remembering what was replayed in a consumer group per ' +
        'filter (<kafka.group>.dlq-replay[.stage=..][.reason=..]) so the same command run again replays only newer ones. With --file (socle run): print the raw ' +
        'records of a dead-letters.ndjson on stdout, for a file input or `socle collect --input stdin`. A summary ' +
        'goes to stderr as JSON.',
    )
    .option('-c, --config <file>', 'the socle serve configuration (Kafka brokers, group, dead-letter topic)')
    .option('-f, --file <file>', 'a socle run dead-letter file (<dataDir>/dead-letters.ndjson)')
    .option('--stage <stages>', 'only these stages, comma-separated (decode, normalise, evaluate, serialise)')
    .option('--reason <reasons>', 'only these reasons, comma-separated (e.g. invalid-json,time-out-of-range)')
    .option('--to <topic>', 'produce to this topic instead of each record\'s source topic (--config)')
    .option('--dry-run', 'count what would be replayed; produce and commit nothing (--config)')
    .action(async (opts: ReplayOptions) => {
      process.exitCode = await replay(opts);
    });
}

async function replay(opts: ReplayOptions): Promise<number> {
  const say = (summary: ReplaySummary) => process.stderr.write(`${JSON.stringify({ dryRun: Boolean(opts.dryRun), ...summary })}\n`);
  if (Boolean(opts.config) === Boolean(opts.file)) {
    process.stderr.write('socle dlq replay: give either --config <serve.yaml> or --file <dead-letters.ndjson>\n');
    return 2;
  }
  const filter: DeadLetterFilter = { stages: list(opts.stage), reasons: list(opts.reason) };
  try {
    if (opts.file) {
      say(await replayFileDeadLetters(opts.file, filter, (line) => process.stdout.write(`${line}\n`)));
      return 0;
    }
    const { config } = await loadServiceConfig(opts.config!);
    say(await replayServiceDeadLetters(config, filter, { to: opts.to, dryRun: opts.dryRun }));
    return 0;
  } catch (err) {
    process.stderr.write(`socle dlq replay: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
