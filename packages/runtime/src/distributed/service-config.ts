import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { reloadConfigSchema } from '../reload/reload-config.ts';
import { apiConfigSchema, resolveApiPaths } from '../api-config.ts';
import { tenancyConfigSchema } from '../tenancy-config.ts';
import { listenAddressSchema as listen } from '@socle/collector';
import { errorMessage, parseValidatedYaml } from '@socle/core';
import { resolveSharingPaths, resolveTaxiiPaths, sharingConfigSchema, taxiiConfigSchema } from '@socle/sharing';

const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits and . _ -');
const indexPrefix = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits and . _ - (an Elasticsearch index name)');

export const serviceConfigSchema = z.strictObject({
  kafka: z.strictObject({
    brokers: z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')).min(1, 'list at least one broker'),
    clientId: z.string().min(1).default('socle-worker'),
    /** Consumer group; also the prefix of the checkpoint keys, so two groups never share state. */
    group: z.string().min(1).default('socle-workers'),
    topics: z.strictObject({
      events: z.array(topicName).min(1, 'list at least one event topic'),
      alerts: topicName.default('socle.alerts'),
      state: topicName.default('socle.state'),
      /** Records a stage could not handle, with their raw bytes and the reason (created when missing). */
      deadLetters: topicName.default('socle.dead-letters'),
    }),
    /** A message larger than this is dead-lettered (`too-large`) without being parsed. */
    maxEventBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
    /** Where a partition with no checkpoint starts. */
    fromBeginning: z.boolean().default(true),
    sessionTimeoutMs: z.number().int().min(6000).default(10_000),
    ssl: z.boolean().default(false),
    sasl: z
      .strictObject({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        password: z.string().min(1),
      })
      .optional(),
  }),
  elasticsearch: z.strictObject({
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL, e.g. http://127.0.0.1:9200' }),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    /** Alert indices are `<indexPrefix>-<organisation>-YYYY.MM.DD`. */
    indexPrefix: indexPrefix.default('socle-alerts'),
    /** Attempts per bulk request inside the sink (the detection loop retries a failed batch after that). */
    bulkAttempts: z.number().int().min(1).max(20).default(5),
    requestTimeoutMs: z.number().int().min(100).default(10_000),
    /**
     * Triage in this Elasticsearch index, shared by every worker (optimistic concurrency); instead of `api.triage`,
     * whose journal store is one per worker.
     */
    triageIndex: indexPrefix.optional(),
  }),
  /** Organisation of alerts whose event names none (`organization.id`). */
  organization: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - (it is part of index names)').default('default'),
  rules: z.array(z.string().min(1)).min(1, 'list at least one rule file or folder'),
  pipelines: z.array(z.string().min(1)).default([]),
  engine: z
    .strictObject({
      timestampField: z.string().min(1).default('@timestamp'),
      includeEvent: z.boolean().default(false),
    })
    .default({ timestampField: '@timestamp', includeEvent: false }),
  checkpoint: z
    .strictObject({
      /** A partition's state is checkpointed (and its offset committed) at most this often... */
      intervalMs: z.number().int().min(100).default(10_000),
      /** ...or after this many events, whichever comes first. A caught-up or idle partition is checkpointed on time. */
      everyEvents: z.number().int().min(1).default(50_000),
      /** Checkpoints kept per partition: when the newest cannot be restored, the one before it is used. */
      keep: z.number().int().min(1).max(10).default(3),
      /**
       * When none of a partition's checkpoints can be restored: `rebuild` replays the `lookbackEvents` before the
       * newest checkpoint's offset into an empty engine, `empty` starts an empty engine at that offset.
       */
      onUnreadable: z
        .strictObject({ policy: z.enum(['rebuild', 'empty']).default('rebuild'), lookbackEvents: z.number().int().min(0).default(10_000) })
        .default({ policy: 'rebuild', lookbackEvents: 10_000 }),
    })
    .default({ intervalMs: 10_000, everyEvents: 50_000, keep: 3, onUnreadable: { policy: 'rebuild', lookbackEvents: 10_000 } }),
  /**
   * Advance the event time of a caught-up partition with the wall clock every `idleAdvanceMs` (0: never), so
   * absence rules fire and windows close on a quiet partition, as `socle run` does. Only for live event streams:
   * an event older than the advanced watermark (minus the rule's lateness) is then dropped as late.
   */
  watermark: z.strictObject({ idleAdvanceMs: z.number().int().min(0).default(0) }).default({ idleAdvanceMs: 0 }),
  /** `/readyz` answers 503 when an owned partition with input waiting has not advanced for `stallAfterMs`. */
  health: z.strictObject({ stallAfterMs: z.number().int().min(1000).default(60_000) }).default({ stallAfterMs: 60_000 }),
  retention: z
    .strictObject({
      days: z.number().int().min(1).default(30),
      /** node-cron expression (UTC). */
      schedule: z.string().refine((s) => cron.validate(s), "not a cron expression (e.g. '17 3 * * *')").default('17 3 * * *'),
    })
    .default({ days: 30, schedule: '17 3 * * *' }),
  metrics: z.strictObject({ listen: listen.default('127.0.0.1:9464') }).default({ listen: '127.0.0.1:9464' }),
  /**
   * The analysts' alert API over Elasticsearch; off when absent. With `tokens` (a token store file written by
   * `socle tokens create`) every request needs a token and is scoped by it, and `audit` is required; without
   * `tokens` it is the unauthenticated laptop mode and only listens on a loopback address. Same keys as `socle run`.
   */
  api: apiConfigSchema('127.0.0.1:9280').optional(),
  reload: reloadConfigSchema,
  /** Sharing upward (policies, outbox, endpoint, reports); off when absent. Every worker runs it (bundle ids are deterministic). */
  sharing: sharingConfigSchema.optional(),
  /** The product's TAXII 2.1 server (collections per sharing collection, token-scoped, audited); off when absent. */
  taxii: taxiiConfigSchema.optional(),
  /** Organisations and SOCs (see tenancy-config.ts). */
  tenancy: tenancyConfigSchema,
}).superRefine((config, ctx) => {
  if (config.elasticsearch.triageIndex && config.api?.triage) {
    ctx.addIssue({ code: 'custom', path: ['api', 'triage'], message: 'triage is in Elasticsearch (elasticsearch.triageIndex): leave api.triage out' });
  }
});

export type ServiceConfig = z.output<typeof serviceConfigSchema>;

/** Environment variables that override one configuration key each (applied before validation). */
export const ENV_OVERRIDES: Record<string, { path: string[]; list?: boolean; number?: boolean }> = {
  SOCLE_KAFKA_BROKERS: { path: ['kafka', 'brokers'], list: true },
  SOCLE_KAFKA_GROUP: { path: ['kafka', 'group'] },
  SOCLE_KAFKA_EVENT_TOPICS: { path: ['kafka', 'topics', 'events'], list: true },
  SOCLE_KAFKA_ALERTS_TOPIC: { path: ['kafka', 'topics', 'alerts'] },
  SOCLE_KAFKA_STATE_TOPIC: { path: ['kafka', 'topics', 'state'] },
  SOCLE_KAFKA_DEAD_LETTER_TOPIC: { path: ['kafka', 'topics', 'deadLetters'] },
  SOCLE_KAFKA_USERNAME: { path: ['kafka', 'sasl', 'username'] },
  SOCLE_KAFKA_PASSWORD: { path: ['kafka', 'sasl', 'password'] },
  SOCLE_ES_URL: { path: ['elasticsearch', 'url'] },
  SOCLE_ES_USERNAME: { path: ['elasticsearch', 'username'] },
  SOCLE_ES_PASSWORD: { path: ['elasticsearch', 'password'] },
  SOCLE_ES_API_KEY: { path: ['elasticsearch', 'apiKey'] },
  SOCLE_CHECKPOINT_INTERVAL_MS: { path: ['checkpoint', 'intervalMs'], number: true },
  SOCLE_RETENTION_DAYS: { path: ['retention', 'days'], number: true },
  SOCLE_METRICS_LISTEN: { path: ['metrics', 'listen'] },
  SOCLE_API_LISTEN: { path: ['api', 'listen'] },
  SOCLE_API_TOKENS: { path: ['api', 'tokens'] },
  SOCLE_API_AUDIT: { path: ['api', 'audit'] },
};

const SECRET_KEYS = new Set(['password', 'apiKey']);

function applyEnvironment(raw: unknown, env: Record<string, string | undefined>): { value: unknown; applied: string[] } {
  const root: Record<string, unknown> = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? structuredClone(raw as Record<string, unknown>) : {};
  const applied: string[] = [];
  for (const [name, spec] of Object.entries(ENV_OVERRIDES)) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    let node = root;
    for (const key of spec.path.slice(0, -1)) {
      const next = node[key];
      node = (node[key] = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {}) as Record<string, unknown>;
    }
    const leaf = spec.path[spec.path.length - 1];
    node[leaf] = spec.list ? text.split(',').map((s) => s.trim()).filter(Boolean) : spec.number ? Number(text) : text;
    applied.push(name);
  }
  return { value: root, applied };
}

/**
 * Reads and validates a service configuration: YAML, then the `SOCLE_*` environment overrides, then the schema.
 * Rule and pipeline paths are resolved against the file's folder.
 */
export async function loadServiceConfig(file: string, env: Record<string, string | undefined> = process.env): Promise<{ config: ServiceConfig; overrides: string[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the configuration (${errorMessage(err)})`);
  }
  return parseServiceConfig(text, file, env, dirname(resolve(file)));
}

export function parseServiceConfig(text: string, file: string, env: Record<string, string | undefined>, base: string): { config: ServiceConfig; overrides: string[] } {
  let overrides: string[] = [];
  const withEnv = z.unknown().transform((raw) => {
    const r = applyEnvironment(raw, env);
    overrides = r.applied;
    return r.value;
  });
  const config = parseValidatedYaml(text, file, withEnv.pipe(serviceConfigSchema));
  const isPath = (p: string): boolean => /[\\/]|\.ya?ml$/i.test(p);
  return {
    config: {
      ...config,
      rules: config.rules.map((r) => resolve(base, r)),
      pipelines: config.pipelines.map((p) => (isPath(p) ? resolve(base, p) : p)),
      ...(config.api ? { api: resolveApiPaths(config.api, base) } : {}),
      ...(config.sharing ? { sharing: resolveSharingPaths(config.sharing, base) } : {}),
      ...(config.taxii ? { taxii: resolveTaxiiPaths(config.taxii, base) } : {}),
    },
    overrides,
  };
}

/** The configuration with every secret replaced by `***`, for printing and logging. */
export function maskSecrets(config: ServiceConfig): ServiceConfig {
  const mask = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(mask);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && v !== undefined ? '***' : mask(v)]));
  };
  const masked = mask(config) as ServiceConfig;
  masked.elasticsearch.url = maskUrlCredentials(config.elasticsearch.url);
  return masked;
}

function maskUrlCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
