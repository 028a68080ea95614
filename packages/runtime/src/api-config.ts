/**
 * The `api:` section, the same in `socle run` and `socle serve`: both build the alert API through `startAccessApi`
 * (@socle/api) from these keys, so tokens, layers, audit, triage and admin routes behave alike in both modes.
 */
import { resolve } from 'node:path';
import { accessApiConfigProblems } from '@socle/api';
import { z } from 'zod';

export const listenSchema = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:9280')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be 0-65535');

const hostName = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/, 'expected a host name or address, optionally with :port');

/** `auditDefault`: the mode puts the audit log somewhere of its own when `audit` is not given (`socle run`: the data folder). */
export function apiConfigSchema(defaultListen: string, options: { auditDefault?: boolean } = {}) {
  return z
    .strictObject({
      listen: listenSchema.default(defaultListen),
      /** Token store file written by `socle tokens create`; without it: unauthenticated laptop mode, loopback only. */
      tokens: z.string().min(1).optional(),
      /** Access audit trail (NDJSON, 0600): every auditor and national request, every write, admin action and refusal. */
      audit: z.string().min(1).optional(),
      /** Folder of the triage store (`triage.ndjson`). */
      triage: z.string().min(1).optional(),
      /** Host names clients use besides the listen address (a reverse proxy's name); other Host headers get 421. */
      allowedHosts: z.array(hostName).max(64).default([]),
      /** Serve the analysts' console at `/ui/` (sign-in with an API token in token mode); default true. */
      console: z.boolean().optional(),
      /** Console session lifetime in ms (never past the token's expiry); default one hour. */
      sessionTtlMs: z.number().int().min(60_000).max(86_400_000).optional(),
    })
    .superRefine((api, ctx) => {
      for (const [key, message] of accessApiConfigProblems(api)) {
        if (key === 'audit' && options.auditDefault) continue;
        ctx.addIssue({ code: 'custom', path: [key], message });
      }
    });
}

export type ApiConfig = z.output<ReturnType<typeof apiConfigSchema>>;

/** Relative `tokens`, `audit` and `triage` paths are taken from the configuration file's folder. */
export function resolveApiPaths<T extends ApiConfig>(api: T, base: string): T {
  return {
    ...api,
    ...(api.tokens ? { tokens: resolve(base, api.tokens) } : {}),
    ...(api.audit ? { audit: resolve(base, api.audit) } : {}),
    ...(api.triage ? { triage: resolve(base, api.triage) } : {}),
  };
}
