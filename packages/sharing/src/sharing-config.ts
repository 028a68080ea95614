/**
 * The `sharing:` section of the `socle run` and `socle serve` configurations: which policies decide what goes
 * upward, where the signed bundles wait (outbox), where they go, and the scheduled reports.
 */
import { resolve } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';

const cronExpression = z.string().refine((s) => cron.validate(s), "not a cron expression (e.g. '5 0 * * *')");

export const sharingConfigSchema = z.strictObject({
  /** Sharing policy files, one per organisation (see "Sharing policy"). */
  policies: z.array(z.string().min(1)).min(1, 'list at least one sharing policy file'),
  /** Outbox folder: bundles are durable here before they are sent. */
  outbox: z.string().min(1),
  /**
   * The upper endpoint: a TAXII 2.1 API root (`taxii`; each policy's bundles go to its own collection) or an
   * upper-layer Socle (`socle`).
   */
  endpoint: z
    .strictObject({
      taxii: z.url({ protocol: /^https?$/ }).optional(),
      /** Refused: one collection for every organisation is what per-policy collections replace. */
      collection: z.string().optional(),
      socle: z.url({ protocol: /^https?$/ }).optional(),
      /** Environment variable holding the bearer token for the endpoint. */
      tokenEnv: z.string().min(1).default('SOCLE_UPSTREAM_TOKEN'),
    })
    .superRefine((e, ctx) => {
      if (e.taxii && e.socle) ctx.addIssue({ code: 'custom', path: ['socle'], message: 'give taxii or socle, not both' });
      else if (!e.taxii && !e.socle) ctx.addIssue({ code: 'custom', path: [], message: 'give taxii: <api root>, or socle: <url>' });
      if (e.collection !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['collection'], message: 'collections are chosen per organisation: set `collection:` in each sharing policy (default: the organisation id)' });
      }
    }),
  /** Ed25519 private key (PEM) and the key id the receiver knows its public key by. */
  signingKey: z.strictObject({ file: z.string().min(1), keyId: z.string().min(1) }),
  /** How often the alerts are examined for sharing. */
  intervalMs: z.number().int().min(1000).default(60_000),
  /** Alerts whose @timestamp is within this many days are examined (older ones were examined before). */
  lookbackDays: z.number().int().min(1).max(365).default(7),
  reports: z
    .strictObject({
      outDir: z.string().min(1),
      /** Incident register (YAML); without it only the daily statistics run. */
      incidents: z.string().min(1).optional(),
      statisticsCron: cronExpression.default('5 0 * * *'),
      incidentsCron: cronExpression.default('0 * * * *'),
    })
    .optional(),
});

export type SharingConfig = z.output<typeof sharingConfigSchema>;

/** Paths taken from the configuration file's folder. */
export function resolveSharingPaths(config: SharingConfig, base: string): SharingConfig {
  return {
    ...config,
    policies: config.policies.map((p) => resolve(base, p)),
    outbox: resolve(base, config.outbox),
    signingKey: { ...config.signingKey, file: resolve(base, config.signingKey.file) },
    ...(config.reports
      ? {
          reports: {
            ...config.reports,
            outDir: resolve(base, config.reports.outDir),
            ...(config.reports.incidents ? { incidents: resolve(base, config.reports.incidents) } : {}),
          },
        }
      : {}),
  };
}
