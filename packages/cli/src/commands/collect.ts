import { Command, Option } from 'commander';
import { Collector, formatNames, loadConfigFile, validateConfig, type CollectorConfig } from '@socle/collector';
import { ConfigFileError, createLogger, errorMessage } from '@socle/core';

/** Exit codes of `socle collect`. */
export const COLLECT_EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

interface CollectOptions {
  config?: string;
  input?: string;
  format?: string;
  output: string;
  organization: string;
  listen?: string;
  path?: string[];
  stateFile?: string;
  brokers?: string;
  topic?: string;
  deadLetters?: string;
  metricsListen?: string;
}

const collectValues = (value: string, previous: string[] = []) => [...previous, value];

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description(
      'Collect logs (syslog UDP/TCP/TLS, files, HTTP, stdin), normalise them to ECS and send them to Kafka or stdout.\n' +
        'Either a YAML configuration (--config) or the quick form, e.g.\n' +
        '  socle collect --input stdin --format syslog --output stdout --organization acme\n' +
        'Stops cleanly on SIGINT/SIGTERM (flushes the buffer and spool, commits file positions); stdin input stops at EOF.',
    )
    .option('-c, --config <file>', 'collector configuration (YAML)')
    .addOption(new Option('--input <type>', 'quick form: one input').choices(['stdin', 'syslog-udp', 'syslog-tcp', 'file']))
    .option('--format <name>', `quick form: parser (${formatNames.join(', ')})`)
    .addOption(new Option('--output <type>', 'quick form: output').choices(['stdout', 'kafka']).default('stdout'))
    .option('--organization <id>', 'quick form: organisation stamped on every event (organization.id)', 'default')
    .option('--listen <host:port>', 'quick form: address for syslog inputs', '127.0.0.1:5514')
    .option('--path <glob>', 'quick form: file pattern for the file input (repeatable)', collectValues)
    .option('--state-file <file>', 'quick form: where the file input keeps its read positions', '.socle/collector-files.json')
    .option('--brokers <list>', 'quick form: Kafka brokers, comma-separated host:port')
    .option('--topic <name>', 'quick form: Kafka topic or template such as socle.events.{dataset}')
    .option('--dead-letters <file>', 'quick form, stdout output: append dead letters to this file instead of stderr')
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics on GET /metrics')
    .action(async (opts: CollectOptions) => {
      process.exitCode = await collect(opts);
    });
}

async function collect(opts: CollectOptions): Promise<number> {
  const err = (message: string) => process.stderr.write(`socle collect: ${message}\n`);
  let config: CollectorConfig;
  try {
    config = opts.config ? await loadConfigFile(opts.config) : validateConfig(quickConfig(opts), 'command line');
  } catch (error) {
    err(errorMessage(error));
    return COLLECT_EXIT.usage;
  }
  let collector: Collector;
  try {
    collector = new Collector(config, { logger: createLogger({ format: 'text', prefix: 'socle collect: ', write: (line) => process.stderr.write(line) }) });
    await collector.start();
  } catch (error) {
    err(error instanceof ConfigFileError ? error.message : `cannot start: ${errorMessage(error)}`);
    return COLLECT_EXIT.usage;
  }
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    void collector.ended.then(() => resolve('end of input'));
  });
  const reason = await stopped;
  if (reason !== 'end of input') err(`${reason}: stopping inputs, flushing the buffer`);
  await collector.stop();
  return COLLECT_EXIT.ok;
}

/** The one-input configuration of the quick form, validated like a file (errors name the flag's field). */
function quickConfig(opts: CollectOptions): unknown {
  if (!opts.input) throw new Error('give --config <file>, or --input with --format for the quick form');
  if (!opts.format) throw new Error(`--format is required with --input (one of ${formatNames.join(', ')})`);
  const base = { type: opts.input, organization: opts.organization, format: opts.format };
  const input =
    opts.input === 'stdin'
      ? base
      : opts.input === 'file'
        ? { ...base, paths: opts.path ?? [], stateFile: opts.stateFile }
        : { ...base, listen: opts.listen };
  const output =
    opts.output === 'kafka'
      ? { type: 'kafka', brokers: (opts.brokers ?? '').split(',').map((b) => b.trim()).filter(Boolean), ...(opts.topic ? { topic: opts.topic } : {}) }
      : { type: 'stdout', ...(opts.deadLetters ? { deadLetters: { file: opts.deadLetters } } : {}) };
  return { inputs: [input], output, ...(opts.metricsListen ? { metrics: { listen: opts.metricsListen } } : {}) };
}
