import type { Logger } from '@socle/core';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CollectorMetrics } from '../metrics/collector-metrics.ts';
import type { RecordSink } from '../delivery/intake.ts';
import { FileTailInput } from './file-tail.ts';
import { HttpIngestInput } from './http-ingest.ts';
import type { Input } from './input.ts';
import { defaultInputName, type InputConfig } from './input-config.ts';
import { parseListenAddress } from './listen-address.ts';
import { StdinInput } from './stdin-input.ts';
import { SyslogStreamInput } from './syslog-stream.ts';
import { SyslogUdpInput } from './syslog-udp.ts';

/** What an input may need from the process that runs it; every field has a default. */
export interface InputContext {
  /** Position in the configured list (for the default name). */
  index?: number;
  metrics?: CollectorMetrics;
  stdin?: Readable;
  /** Where `tokenEnv` of HTTP tokens is looked up; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** Operational messages (never events). */
  logger?: Logger;
  /** Where a file input without `stateFile` keeps its read positions (`<stateDir>/<name>.json`). */
  stateDir?: string;
}

/** The one factory of inputs: `socle collect` hands it the intake, `socle run` the in-process bus. */
export function createInput(config: InputConfig, sink: RecordSink, context: InputContext = {}): Input {
  const name = config.name ?? defaultInputName(config, context.index ?? 0);
  const metrics = context.metrics ?? new CollectorMetrics();
  switch (config.type) {
    case 'syslog-udp':
      return new SyslogUdpInput({ name, organization: config.organization, format: config.format, listen: parseListenAddress(config.listen), maxMessageBytes: config.maxMessageBytes, maxNestingDepth: config.maxNestingDepth }, sink);
    case 'syslog-tcp':
    case 'syslog-tls':
      return new SyslogStreamInput(
        {
          name,
          organization: config.organization,
          format: config.format,
          listen: parseListenAddress(config.listen),
          maxMessageBytes: config.maxMessageBytes,
          maxNestingDepth: config.maxNestingDepth,
          maxConnections: config.maxConnections,
          tls: config.type === 'syslog-tls' ? config.tls : undefined,
        },
        sink,
        metrics,
      );
    case 'file':
      return new FileTailInput({ ...config, name, stateFile: config.stateFile ?? defaultStateFile(name, context.stateDir) }, sink, context.logger);
    case 'http':
      return new HttpIngestInput(
        {
          name,
          format: config.format,
          listen: parseListenAddress(config.listen),
          tokens: config.tokens.map((t, i) => ({ organization: t.organization, token: 'token' in t ? t.token : tokenFromEnv(context.env ?? process.env, t.tokenEnv, name, i) })),
          maxBodyBytes: config.maxBodyBytes,
          maxMessageBytes: config.maxMessageBytes,
          maxNestingDepth: config.maxNestingDepth,
          retryAfterSeconds: config.retryAfterSeconds,
        },
        sink,
        metrics,
      );
    case 'stdin':
      return new StdinInput({ name, organization: config.organization, format: config.format, maxMessageBytes: config.maxMessageBytes, maxNestingDepth: config.maxNestingDepth }, sink, context.stdin);
  }
}

/** Every configured input, named; two inputs with one name are refused (metrics and checkpoints are per name). */
export function createInputs(configs: readonly InputConfig[], sink: RecordSink, context: Omit<InputContext, 'index'> = {}): Input[] {
  const metrics = context.metrics ?? new CollectorMetrics();
  const inputs = configs.map((config, index) => createInput(config, sink, { ...context, metrics, index }));
  const names = new Set<string>();
  for (const input of inputs) {
    if (names.has(input.name)) throw new Error(`two inputs are named "${input.name}": give each a distinct name`);
    names.add(input.name);
  }
  return inputs;
}

function defaultStateFile(name: string, stateDir: string | undefined): string {
  if (stateDir === undefined) throw new Error(`input ${name}: set stateFile, where the file input keeps its read positions`);
  return join(stateDir, `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

function tokenFromEnv(env: Record<string, string | undefined>, variable: string, input: string, index: number): string {
  const value = env[variable];
  if (!value) throw new Error(`input ${input}: tokens.${index}.tokenEnv names ${variable}, which is not set`);
  return value;
}
