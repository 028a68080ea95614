import { z } from 'zod';
import { inputSchema } from '../inputs/input-config.ts';
import { listenAddressSchema as listen } from '../inputs/listen-address.ts';
import { kafkaCompressions } from '../outputs/kafka-codecs.ts';

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
  inputs: z.array(inputSchema).min(1, 'configure at least one input').superRefine((inputs, ctx) => {
    inputs.forEach((input, index) => {
      // `socle run` keeps read positions in its data folder; the collector has none.
      if (input.type === 'file' && input.stateFile === undefined) ctx.addIssue({ code: 'custom', path: [index, 'stateFile'], message: 'required: where this file input keeps its read positions' });
    });
  }),
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
