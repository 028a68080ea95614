import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { inputSchema, inputTypes, type InputConfig } from '@socle/collector';
import { z } from 'zod';
import { apiConfigSchema, resolveApiPaths } from '../api-config.ts';
import { tenancyConfigSchema } from '../tenancy-config.ts';
import { reloadConfigSchema } from '../reload/reload-config.ts';
import { resolveSharingPaths, resolveTaxiiPaths, sharingConfigSchema, taxiiConfigSchema } from '@socle/sharing';
import { parseValidatedYaml } from '@socle/core';

export const DEFAULT_PIPELINES = ['linux-ecs', 'web-ecs', 'firewall-ecs', 'windows-ecs', 'dns-ecs'];

export const runConfigSchema = z.strictObject({
  /** Alert journal (`<dataDir>/alerts`), file read positions (`<dataDir>/inputs`), `dead-letters.ndjson`. */
  dataDir: z.string().min(1),
  /** The collector's inputs, as `socle collect` takes them; file inputs keep their positions in `<dataDir>/inputs`. */
  inputs: z.array(inputSchema).min(1, `configure at least one input (${inputTypes.join(', ')})`),
  /**
   * Names of inputs `socle run` may run without when they cannot start (a port taken, a file not readable): they
   * are reported in `/healthz` (status `degraded`). Any other input that cannot start stops it with exit 2.
   */
  optionalInputs: z.array(z.string().min(1)).default([]),
  /** Rule files or folders; the socle-baseline pack when empty. */
  rules: z.array(z.string().min(1)).default([]),
  pipelines: z.array(z.string().min(1)).default(DEFAULT_PIPELINES),
  /** YAML map of placeholder name to values, for `|expand`. */
  placeholders: z.string().min(1).optional(),
  bus: z
    .strictObject({ capacity: z.number().int().min(1).default(10_000), batchSize: z.number().int().min(1).default(500) })
    .default({ capacity: 10_000, batchSize: 500 }),
  journal: z.strictObject({ maxSegmentBytes: z.number().int().min(4096).default(64 * 1024 * 1024) }).default({ maxSegmentBytes: 64 * 1024 * 1024 }),
  /**
   * The alert API, built like `socle serve`'s: `tokens` (token store), `audit` (default `<dataDir>/audit/access.ndjson`),
   * `triage` (default `<dataDir>/triage`), `allowedHosts`. Without `tokens`: unauthenticated, loopback only.
   */
  api: apiConfigSchema('127.0.0.1:9280', { auditDefault: true }).default({ listen: '127.0.0.1:9280', allowedHosts: [] }),
  alerts: z
    .strictObject({
      /** Keep the event that raised each detection alert (`socle.event`, shown by the console). */
      includeEvent: z.boolean().default(true),
      /** Its raw line (`event.original`) is cut to this many characters. */
      maxOriginalChars: z.number().int().min(0).max(1_048_576).default(8192),
    })
    .default({ includeEvent: true, maxOriginalChars: 8192 }),
  /**
   * Advance event time with the wall clock every `idleAdvanceMs` (0: never), so absence rules fire and windows
   * close on a quiet stream. Only for inputs that carry live events: on old logs it would close windows early.
   */
  watermark: z.strictObject({ idleAdvanceMs: z.number().int().min(0).default(0) }).default({ idleAdvanceMs: 0 }),
  reload: reloadConfigSchema,
  /** Sharing upward (policies, outbox, endpoint, reports); off when absent. */
  sharing: sharingConfigSchema.optional(),
  /** The product's TAXII 2.1 server (collections per sharing collection, token-scoped, audited); off when absent. */
  taxii: taxiiConfigSchema.optional(),
  /** Organisations and SOCs (see tenancy-config.ts). */
  tenancy: tenancyConfigSchema,
});

export type RunConfig = z.output<typeof runConfigSchema>;

/** Reads and validates a `socle run` config; relative paths are taken from the config file's folder. */
export async function loadRunConfig(file: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`${file}: cannot read the configuration file`);
  }
  return resolvePaths(parseValidatedYaml(text, file, runConfigSchema), dirname(resolve(file)));
}

export function resolvePaths(config: RunConfig, base: string): RunConfig {
  const rules = config.rules.map((r) => resolve(base, r));
  // Shipped pipeline names stay names; anything that looks like a path is resolved.
  const pipelines = config.pipelines.map((p) => (/[\\/]|\.ya?ml$/i.test(p) ? resolve(base, p) : p));
  return {
    ...config,
    dataDir: resolve(base, config.dataDir),
    api: resolveApiPaths(config.api, base),
    rules,
    pipelines,
    placeholders: config.placeholders === undefined ? undefined : resolve(base, config.placeholders),
    inputs: config.inputs.map((input) => resolveInputPaths(input, base)),
    ...(config.sharing ? { sharing: resolveSharingPaths(config.sharing, base) } : {}),
    ...(config.taxii ? { taxii: resolveTaxiiPaths(config.taxii, base) } : {}),
  };
}

function resolveInputPaths(input: InputConfig, base: string): InputConfig {
  if (input.type === 'file') {
    return { ...input, paths: input.paths.map((p) => resolve(base, p)), ...(input.stateFile ? { stateFile: resolve(base, input.stateFile) } : {}) };
  }
  if (input.type === 'syslog-tls') {
    const { cert, key, ca } = input.tls;
    return { ...input, tls: { ...input.tls, cert: resolve(base, cert), key: resolve(base, key), ...(ca ? { ca: resolve(base, ca) } : {}) } };
  }
  return input;
}
