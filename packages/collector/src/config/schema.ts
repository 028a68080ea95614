import { z } from 'zod';
import { parseListenAddress } from '../inputs/listen-address.ts';
import { kafkaCompressions } from '../outputs/kafka-codecs.ts';
import { DEFAULT_MAX_NESTING_DEPTH, formatNames, isFormatName } from '../parsers/index.ts';

const listen = z.string().refine((text) => {
  try {
    parseListenAddress(text);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port, e.g. 127.0.0.1:5514');

const name = z.string().regex(/^[A-Za-z0-9._:/-]+$/, 'use letters, digits and . _ : / -');
const format = z.string().refine(isFormatName, { error: () => `unknown format; expected one of ${formatNames.join(', ')}` });
const maxMessageBytes = z.number().int().min(64).max(64 * 1024 * 1024).default(64 * 1024);
/** Levels of objects and arrays a record's event may nest (the event itself is 1); deeper ones are dead-lettered. */
const maxNestingDepth = z.number().int().min(2).max(512).default(DEFAULT_MAX_NESTING_DEPTH);
const bound = { name: name.optional(), organization: z.string().min(1), format, maxNestingDepth };

const syslogUdp = z.strictObject({ type: z.literal('syslog-udp'), ...bound, listen, maxMessageBytes });
const syslogTcp = z.strictObject({ type: z.literal('syslog-tcp'), ...bound, listen, maxMessageBytes, maxConnections: z.number().int().min(1).default(1000) });
const syslogTls = z.strictObject({
  type: z.literal('syslog-tls'),
  ...bound,
  listen,
  maxMessageBytes,
  maxConnections: z.number().int().min(1).default(1000),
  tls: z.strictObject({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1).optional(), requireClientCert: z.boolean().default(false) }),
});
const file = z.strictObject({
  type: z.literal('file'),
  ...bound,
  paths: z.array(z.string().min(1)).min(1),
  stateFile: z.string().min(1),
  pollIntervalMs: z.number().int().min(10).default(250),
  readChunkBytes: z.number().int().min(4096).default(1024 * 1024),
  maxMessageBytes,
  startAt: z.enum(['beginning', 'end']).default('beginning'),
});
const token = z.union([
  z.strictObject({ token: z.string().min(16, 'tokens must be at least 16 characters'), organization: z.string().min(1) }),
  z.strictObject({ tokenEnv: z.string().min(1), organization: z.string().min(1) }),
]);
const http = z.strictObject({
  type: z.literal('http'),
  name: name.optional(),
  format: format.default('json'),
  listen,
  tokens: z.array(token).min(1, 'at least one token is needed: HTTP ingest is never anonymous'),
  maxBodyBytes: z.number().int().min(1024).default(10 * 1024 * 1024),
  maxMessageBytes,
  maxNestingDepth,
  retryAfterSeconds: z.number().int().min(1).default(1),
});
const stdin = z.strictObject({ type: z.literal('stdin'), ...bound, maxMessageBytes });

export const inputSchema = z.discriminatedUnion('type', [syslogUdp, syslogTcp, syslogTls, file, http, stdin], {
  error: 'type must be one of syslog-udp, syslog-tcp, syslog-tls, file, http, stdin',
});

const stdoutOutput = z.strictObject({
  type: z.literal('stdout'),
  /** `stderr` or a file path for dead letters. */
  deadLetters: z.union([z.literal('stderr'), z.strictObject({ file: z.string().min(1) })]).default('stderr'),
});
const kafkaOutput = z.strictObject({
  type: z.literal('kafka'),
  brokers: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1),
  clientId: z.string().min(1).default('socle-collector'),
  topic: z.string().regex(/^[A-Za-z0-9._{}-]+$/, 'a topic name or a template such as socle.events.{dataset}').default('socle.events'),
  defaultDataset: z.string().min(1).default('unknown'),
  deadLetterTopic: z.string().regex(/^[A-Za-z0-9._-]+$/).default('socle.deadletter'),
  keyField: z.string().min(1).default('host.name'),
  compression: z.enum(kafkaCompressions).default('gzip'),
  /**
   * Idempotent producer (default): no duplicates from kafkajs' own retries, but one request at a time per broker.
   * false lets buffer.inFlight batches travel together (at-least-once; a retried batch may land after a later one).
   */
  idempotent: z.boolean().default(true),
  retries: z.number().int().min(0).default(5),
  requestTimeoutMs: z.number().int().min(100).default(30_000),
  allowAutoTopicCreation: z.boolean().default(true),
});

export const configSchema = z.strictObject({
  inputs: z.array(inputSchema).min(1, 'configure at least one input'),
  output: z.discriminatedUnion('type', [stdoutOutput, kafkaOutput], {
    error: (issue) => (issue.input === undefined ? 'missing: add an output of type stdout or kafka' : 'output type must be stdout or kafka'),
  }),
  buffer: z
    .strictObject({
      capacity: z.number().int().min(1).default(10_000),
      batchSize: z.number().int().min(1).default(500),
      lingerMs: z.number().int().min(0).default(20),
      /** Batches sent before the oldest is acknowledged (Kafka output without spool); 2 hides the broker's round trip. */
      inFlight: z.number().int().min(1).max(16).default(2),
    })
    .default({ capacity: 10_000, batchSize: 500, lingerMs: 20, inFlight: 2 }),
  spool: z
    .strictObject({
      dir: z.string().min(1),
      maxSegmentBytes: z.number().int().min(4096).default(64 * 1024 * 1024),
      directTimeoutMs: z.number().int().min(100).default(10_000),
    })
    .optional(),
  metrics: z.strictObject({ listen }).optional(),
  shutdownTimeoutMs: z.number().int().min(0).default(30_000),
});

export type CollectorConfig = z.infer<typeof configSchema>;
export type InputConfig = z.infer<typeof inputSchema>;
